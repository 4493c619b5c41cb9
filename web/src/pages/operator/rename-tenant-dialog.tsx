// "Rename": a dialog with the tenant's name.
import { type FormEvent, useEffect, useState } from 'react';
import { useChangeTenant } from '../../api/operators';
import type { OperatedTenant } from '../../api/types';
import { Dialog, DialogClose } from '../../components/dialog';
import { ErrorMessage } from '../../components/error-message';
import { useToast } from '../../components/toaster';

export function RenameTenantDialog({ tenant, onClose }: { tenant: OperatedTenant | null; onClose: () => void }) {
  const rename = useChangeTenant();
  const notify = useToast();
  const [name, setName] = useState('');
  useEffect(() => {
    if (tenant) setName(tenant.name);
  }, [tenant]);

  const close = () => {
    rename.reset();
    onClose();
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!tenant) return;
    rename.mutate(
      { id: tenant.id, name: name.trim() },
      {
        onSuccess: (renamed) => {
          notify(`Renamed to "${renamed.name}"`);
          close();
        },
      },
    );
  };
  return (
    <Dialog open={tenant !== null} onOpenChange={(open) => (open ? undefined : close())} title={`Rename "${tenant?.name ?? ''}"`}>
      <form onSubmit={submit} className="stack">
        <div className="field">
          <label htmlFor="rename-tenant-name">Name</label>
          <input id="rename-tenant-name" required maxLength={64} value={name} onChange={(event) => setName(event.target.value)} />
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
