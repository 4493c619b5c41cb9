// Members: who may use this tenant and with what role; owners invite (and see pending invitations), re-role and remove.
import { useState } from 'react';
import { useChangeRole, useMembers, useRemoveMember } from '../../api/settings';
import type { Member, Role } from '../../api/types';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { ErrorMessage } from '../../components/error-message';
import { SkeletonRows } from '../../components/skeleton';
import { useToast } from '../../components/toaster';
import { formatDate } from '../../format/format';
import { usePermissions, useRequiredSession } from '../../session/use-session';
import { InviteMemberDialog } from './invite-member-dialog';
import { PendingInvitations } from './pending-invitations';
import { ROLES } from './roles';

export function MembersSection() {
  const { manageMembers, manageTenant } = usePermissions();
  const session = useRequiredSession();
  const members = useMembers(manageTenant);
  const changeRole = useChangeRole();
  const remove = useRemoveMember();
  const notify = useToast();
  const [inviting, setInviting] = useState(false);
  const [removing, setRemoving] = useState<Member | null>(null);

  return (
    <section className="card" aria-labelledby="members-title">
      <div className="card-header">
        <div>
          <h2 id="members-title">Members</h2>
          <p className="muted">
            {manageMembers ? 'Invite people and choose what they may do.' : 'Only owners add, re-role or remove members.'}
          </p>
        </div>
        {manageMembers ? (
          <button type="button" className="button primary" onClick={() => setInviting(true)}>
            Invite member
          </button>
        ) : null}
      </div>
      <ErrorMessage error={members.error ?? changeRole.error} />
      {members.isPending ? (
        <SkeletonRows rows={3} label="Loading members" />
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Email</th>
                <th scope="col">Name</th>
                <th scope="col">Role</th>
                <th scope="col">Joined</th>
                {manageMembers ? (
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody>
              {members.data?.data.map((member) => (
                <tr key={member.userId}>
                  <th scope="row">
                    {member.email} {member.userId === session.user.id ? <span className="badge">you</span> : null}
                  </th>
                  <td>{member.name ?? <span className="muted">—</span>}</td>
                  <td>
                    {manageMembers ? (
                      <select
                        aria-label={`Role of ${member.email}`}
                        // The chosen role shows at once, while the change is on its way.
                        value={
                          changeRole.isPending && changeRole.variables?.userId === member.userId ? changeRole.variables.role : member.role
                        }
                        onChange={(event) => {
                          const role = event.target.value as Role;
                          changeRole.mutate({ userId: member.userId, role }, { onSuccess: () => notify(`${member.email} is now ${role}`) });
                        }}
                      >
                        {ROLES.map((role) => (
                          <option key={role.value} value={role.value}>
                            {role.value}
                          </option>
                        ))}
                      </select>
                    ) : (
                      <span className="badge">{member.role}</span>
                    )}
                  </td>
                  <td>{formatDate(member.createdAt)}</td>
                  {manageMembers ? (
                    <td className="row-actions">
                      <button type="button" className="button small danger-text" onClick={() => setRemoving(member)}>
                        Remove
                      </button>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {manageMembers ? (
        <>
          <PendingInvitations />
          <InviteMemberDialog open={inviting} onOpenChange={setInviting} />
          <ConfirmDialog
            open={removing !== null}
            onOpenChange={(open) => {
              if (!open) {
                setRemoving(null);
                remove.reset();
              }
            }}
            title={`Remove ${removing?.email ?? ''}?`}
            description="They lose access to this tenant at once, including sessions they have open. A tenant always keeps one owner."
            confirmLabel="Remove"
            pending={remove.isPending}
            error={remove.error}
            onConfirm={() =>
              removing &&
              remove.mutate(removing.userId, {
                onSuccess: () => {
                  notify(`${removing.email} removed`);
                  setRemoving(null);
                },
              })
            }
          />
        </>
      ) : null}
    </section>
  );
}
