// Invitations sent and not yet accepted: who, as what, until when; owners revoke them (the link stops working).
import { useInvitations, useRevokeInvitation } from '../../api/settings';
import type { Invitation } from '../../api/types';
import { type Column, ResourceTable } from '../../components/resource-table';
import { useToast } from '../../components/toaster';
import { formatDateTime } from '../../format/format';

const COLUMNS: Array<Column<Invitation>> = [
  { header: 'Email', rowHeader: true, cell: (invitation) => invitation.email },
  { header: 'Role', cell: (invitation) => <span className="badge">{invitation.role}</span> },
  { header: 'Expires', cell: (invitation) => formatDateTime(invitation.expiresAt) },
];

export function PendingInvitations() {
  const invitations = useInvitations(true);
  const revoke = useRevokeInvitation();
  const notify = useToast();
  return (
    <section className="stack" aria-labelledby="invitations-title">
      <h3 id="invitations-title">Pending invitations</h3>
      <ResourceTable
        rows={invitations.data?.data}
        rowKey={(invitation) => invitation.id}
        columns={COLUMNS}
        pending={invitations.isPending}
        error={invitations.error ?? revoke.error}
        loadingLabel="Loading invitations"
        loadingRows={2}
        empty={<p className="muted">No invitations are waiting to be accepted.</p>}
        actions={(invitation) => (
          <button
            type="button"
            className="button small danger-text"
            disabled={revoke.isPending && revoke.variables === invitation.id}
            onClick={() => revoke.mutate(invitation.id, { onSuccess: () => notify(`Invitation for ${invitation.email} revoked`) })}
          >
            Revoke invitation
          </button>
        )}
      />
    </section>
  );
}
