// "New tenant": a name, its first owner's email and an optional plan; then the owner's invitation link, shown once.
import { type FormEvent, useState } from 'react';
import { useCreateTenant } from '../../api/operators';
import type { Plan } from '../../api/types';
import { Dialog, DialogClose } from '../../components/dialog';
import { ErrorMessage } from '../../components/error-message';
import { SecretOnce } from '../../components/secret-once';
import { formatDateTime } from '../../format/format';

interface CreateTenantDialogProps {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  plans: readonly Plan[];
}

export function CreateTenantDialog({ open, onOpenChange, plans }: CreateTenantDialogProps) {
  const create = useCreateTenant();
  const [name, setName] = useState('');
  const [ownerEmail, setOwnerEmail] = useState('');
  const [planId, setPlanId] = useState('');
  const change = (next: boolean) => {
    if (!next) {
      create.reset();
      setName('');
      setOwnerEmail('');
      setPlanId('');
    }
    onOpenChange(next);
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    // No toast: the dialog itself says the tenant was created, and a toast would take the dialog's Escape key.
    create.mutate({ name: name.trim(), ownerEmail: ownerEmail.trim(), ...(planId ? { planId } : {}) });
  };
  const created = create.data;
  return (
    <Dialog
      open={open}
      onOpenChange={change}
      title={created ? `Tenant "${created.name}" created` : 'New tenant'}
      description={created ? undefined : 'Its first owner is invited by email: they choose their own password and make the master key.'}
    >
      {created ? (
        <>
          <p>
            Send this link to {created.invitation.email}. It works once, until {formatDateTime(created.invitation.expiresAt)}: they choose
            their own password, or log in first if they already have a Shuttle account, and join as its owner.
          </p>
          <SecretOnce secret={created.invitation.acceptUrl} label="invitation link" />
          <div className="dialog-actions">
            <DialogClose>
              <button type="button" className="button primary">
                Done
              </button>
            </DialogClose>
          </div>
        </>
      ) : (
        <form onSubmit={submit} className="stack">
          <div className="field">
            <label htmlFor="new-tenant-name">Name</label>
            <input id="new-tenant-name" required maxLength={64} value={name} onChange={(event) => setName(event.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="new-tenant-owner">Owner's email</label>
            <input id="new-tenant-owner" type="email" required value={ownerEmail} onChange={(event) => setOwnerEmail(event.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="new-tenant-plan">Plan</label>
            <select id="new-tenant-plan" value={planId} onChange={(event) => setPlanId(event.target.value)}>
              <option value="">No plan</option>
              {plans.map((plan) => (
                <option key={plan.id} value={plan.id}>
                  {plan.name}
                </option>
              ))}
            </select>
          </div>
          <ErrorMessage error={create.error} fields={{ name: 'Name', ownerEmail: "Owner's email", planId: 'Plan' }} />
          <div className="dialog-actions">
            <DialogClose>
              <button type="button" className="button">
                Cancel
              </button>
            </DialogClose>
            <button type="submit" className="button primary" disabled={create.isPending} aria-busy={create.isPending}>
              Create tenant
            </button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
