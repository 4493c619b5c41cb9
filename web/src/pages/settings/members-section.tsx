// Members: who may use this tenant and with what role; owners invite (and see pending invitations), re-role and remove.
import { useState } from 'react';
import { useChangeRole, useMembers, useRemoveMember } from '../../api/settings';
import type { Member, Role } from '../../api/types';
import { ConfirmRemoval } from '../../components/confirm-removal';
import { type Column, ResourceTable } from '../../components/resource-table';
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
  const columns: Array<Column<Member>> = [
    {
      header: 'Email',
      rowHeader: true,
      cell: (member) => (
        <>
          {member.email} {member.userId === session.user.id ? <span className="badge">you</span> : null}
        </>
      ),
    },
    { header: 'Name', cell: (member) => member.name ?? <span className="muted">—</span> },
    {
      header: 'Role',
      cell: (member) =>
        manageMembers ? (
          <select
            aria-label={`Role of ${member.email}`}
            // The chosen role shows at once, while the change is on its way.
            value={changeRole.isPending && changeRole.variables?.userId === member.userId ? changeRole.variables.role : member.role}
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
        ),
    },
    { header: 'Joined', cell: (member) => formatDate(member.createdAt) },
  ];

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
      <ResourceTable
        rows={members.data?.data}
        rowKey={(member) => member.userId}
        columns={columns}
        pending={members.isPending}
        error={members.error ?? changeRole.error}
        loadingLabel="Loading members"
        actions={
          manageMembers
            ? (member) => (
                <button type="button" className="button small danger-text" onClick={() => setRemoving(member)}>
                  Remove
                </button>
              )
            : undefined
        }
      />
      {manageMembers ? (
        <>
          <PendingInvitations />
          <InviteMemberDialog open={inviting} onOpenChange={setInviting} />
          <ConfirmRemoval
            item={removing}
            onClose={() => setRemoving(null)}
            removal={remove}
            title={`Remove ${removing?.email ?? ''}?`}
            description="They lose access to this tenant at once, including sessions they have open. A tenant always keeps one owner."
            confirmLabel="Remove"
            onConfirm={(member, done) => remove.mutate(member.userId, { onSuccess: () => done(`${member.email} removed`) })}
          />
        </>
      ) : null}
    </section>
  );
}
