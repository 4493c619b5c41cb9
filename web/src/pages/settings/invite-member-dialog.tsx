// Invite a member by email and role; the invitation link is shown once, the same whether or not they have an account.
import { type FormEvent, useState } from 'react';
import { useInvite } from '../../api/settings';
import type { Role } from '../../api/types';
import { Dialog, DialogClose } from '../../components/dialog';
import { ErrorMessage } from '../../components/error-message';
import { SecretOnce } from '../../components/secret-once';
import { formatDateTime } from '../../format/format';
import { ROLES } from './roles';

export function InviteMemberDialog({ open, onOpenChange }: { open: boolean; onOpenChange: (open: boolean) => void }) {
  const add = useInvite();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('member');
  const change = (next: boolean) => {
    if (!next) {
      add.reset();
      setEmail('');
      setName('');
      setRole('member');
    }
    onOpenChange(next);
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    add.mutate({ email: email.trim(), role, ...(name.trim() ? { name: name.trim() } : {}) });
  };
  const invited = add.data;
  return (
    <Dialog open={open} onOpenChange={change} title={invited ? `${invited.email} invited` : 'Invite member'}>
      {invited ? (
        <>
          <p>
            Send this link to {invited.email}. It works once, until {formatDateTime(invited.expiresAt)}: they choose their own password, or
            log in first if they already have a Shuttle account. They join as {invited.role} when they accept.
          </p>
          <SecretOnce secret={invited.acceptUrl} label="invitation link" />
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
            <label htmlFor="invite-email">Email</label>
            <input id="invite-email" type="email" required value={email} onChange={(event) => setEmail(event.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="invite-name">Name</label>
            <input id="invite-name" maxLength={64} value={name} onChange={(event) => setName(event.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="invite-role">Role</label>
            <select id="invite-role" value={role} onChange={(event) => setRole(event.target.value as Role)}>
              {ROLES.map((option) => (
                <option key={option.value} value={option.value}>
                  {option.label}
                </option>
              ))}
            </select>
          </div>
          <ErrorMessage error={add.error} fields={{ email: 'Email', role: 'Role', name: 'Name' }} />
          <div className="dialog-actions">
            <DialogClose>
              <button type="button" className="button">
                Cancel
              </button>
            </DialogClose>
            <button type="submit" className="button primary" disabled={add.isPending}>
              Invite
            </button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
