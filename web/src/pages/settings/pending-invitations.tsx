// Invitations sent and not yet accepted: who, as what, until when; owners revoke them (the link stops working).
import { useInvitations, useRevokeInvitation } from '../../api/settings';
import { ErrorMessage } from '../../components/error-message';
import { useToast } from '../../components/toaster';
import { formatDateTime } from '../../format/format';

export function PendingInvitations() {
  const invitations = useInvitations(true);
  const revoke = useRevokeInvitation();
  const notify = useToast();
  const pending = invitations.data?.data ?? [];
  return (
    <section className="stack" aria-labelledby="invitations-title">
      <h3 id="invitations-title">Pending invitations</h3>
      <ErrorMessage error={invitations.error ?? revoke.error} />
      {pending.length === 0 ? (
        <p className="muted">{invitations.isPending ? 'Loading invitations…' : 'No invitations are waiting to be accepted.'}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                <th scope="col">Expires</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {pending.map((invitation) => (
                <tr key={invitation.id}>
                  <th scope="row">{invitation.email}</th>
                  <td>
                    <span className="badge">{invitation.role}</span>
                  </td>
                  <td>{formatDateTime(invitation.expiresAt)}</td>
                  <td className="row-actions">
                    <button
                      type="button"
                      className="button small danger-text"
                      disabled={revoke.isPending && revoke.variables === invitation.id}
                      onClick={() =>
                        revoke.mutate(invitation.id, { onSuccess: () => notify(`Invitation for ${invitation.email} revoked`) })
                      }
                    >
                      Revoke invitation
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
