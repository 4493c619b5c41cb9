// "Rename": a dialog with one thing's name (a key, a tenant), saved through the mutation the page gives it.
import { type FormEvent, useEffect, useState } from 'react';
import { Dialog, DialogClose } from './dialog';
import { ErrorMessage } from './error-message';
import { useToast } from './toaster';

/** What the dialog needs of a TanStack mutation that renames. */
export interface RenameMutation {
  mutate(variables: { id: string; name: string }, options: { onSuccess: (renamed: { name: string }) => void }): void;
  reset(): void;
  error: unknown;
  isPending: boolean;
}

export function RenameDialog(props: {
  /** What is renamed; null: the dialog is closed. */
  item: { id: string; name: string } | null;
  rename: RenameMutation;
  /** The name field's id, unique on the page. */
  inputId: string;
  onClose: () => void;
}) {
  const { item, rename, inputId, onClose } = props;
  const notify = useToast();
  const [name, setName] = useState('');
  useEffect(() => {
    if (item) setName(item.name);
  }, [item]);

  const close = () => {
    rename.reset();
    onClose();
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!item) return;
    rename.mutate(
      { id: item.id, name: name.trim() },
      {
        onSuccess: (renamed) => {
          notify(`Renamed to "${renamed.name}"`);
          close();
        },
      },
    );
  };
  return (
    <Dialog open={item !== null} onOpenChange={(open) => (open ? undefined : close())} title={`Rename "${item?.name ?? ''}"`}>
      <form onSubmit={submit} className="stack">
        <div className="field">
          <label htmlFor={inputId}>Name</label>
          <input id={inputId} required maxLength={64} value={name} onChange={(event) => setName(event.target.value)} />
        </div>
        <ErrorMessage error={rename.error} fields={{ name: 'Name' }} />
        <div className="dialog-actions">
          <DialogClose>
            <button type="button" className="button">
              Cancel
            </button>
          </DialogClose>
          <button type="submit" className="button primary" disabled={rename.isPending} aria-busy={rename.isPending}>
            Save
          </button>
        </div>
      </form>
    </Dialog>
  );
}
