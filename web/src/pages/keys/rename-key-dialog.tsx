// "Rename": a dialog with the key's name.
import { type FormEvent, useEffect, useState } from 'react';
import { useRenameKey } from '../../api/keys';
import type { ApiKey } from '../../api/types';
import { Dialog, DialogClose } from '../../components/dialog';
import { ErrorMessage } from '../../components/error-message';
import { useToast } from '../../components/toaster';

export function RenameKeyDialog({ apiKey, onClose }: { apiKey: ApiKey | null; onClose: () => void }) {
  const rename = useRenameKey();
  const notify = useToast();
  const [name, setName] = useState('');
  useEffect(() => {
    if (apiKey) setName(apiKey.name);
  }, [apiKey]);

  const close = () => {
    rename.reset();
    onClose();
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!apiKey) return;
    rename.mutate(
      { id: apiKey.id, name: name.trim() },
      {
        onSuccess: (key) => {
          notify(`Renamed to "${key.name}"`);
          close();
        },
      },
    );
  };
  return (
    <Dialog open={apiKey !== null} onOpenChange={(open) => (open ? undefined : close())} title={`Rename "${apiKey?.name ?? ''}"`}>
      <form onSubmit={submit} className="stack">
        <div className="field">
          <label htmlFor="rename-key-name">Name</label>
          <input id="rename-key-name" required maxLength={64} value={name} onChange={(event) => setName(event.target.value)} />
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
