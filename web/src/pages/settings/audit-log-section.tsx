// The audit log: who changed keys, limits, routing and members, newest first.
import { useState } from 'react';
import { useAuditLog } from '../../api/settings';
import type { AuditEntry } from '../../api/types';
import { EmptyState } from '../../components/empty-state';
import { ErrorMessage } from '../../components/error-message';
import { SkeletonRows } from '../../components/skeleton';
import { formatDateTime } from '../../format/format';

const ACTIONS = [
  'key.created',
  'key.renamed',
  'key.revoked',
  'key.master_regenerated',
  'invitation.created',
  'invitation.accepted',
  'invitation.revoked',
  'member.added',
  'member.role_changed',
  'member.removed',
  'tenant.updated',
  'auth.login_failed',
  'auth.password_changed',
];

function describeDetails(entry: AuditEntry): string {
  const parts = Object.entries(entry.details).map(
    ([name, value]) => `${name}: ${typeof value === 'string' ? value : JSON.stringify(value)}`,
  );
  return parts.join(' · ');
}

export function AuditLogSection() {
  const [action, setAction] = useState('');
  const log = useAuditLog(action);
  const entries = log.data?.pages.flatMap((page) => page.data) ?? [];

  return (
    <section className="card" aria-labelledby="audit-title">
      <div className="card-header">
        <div>
          <h2 id="audit-title">Audit log</h2>
          <p className="muted">Changes to keys, members, the tenant and routing, and failed logins.</p>
        </div>
        <div className="field">
          <label htmlFor="audit-action">Action</label>
          <select id="audit-action" value={action} onChange={(event) => setAction(event.target.value)}>
            <option value="">All actions</option>
            {ACTIONS.map((name) => (
              <option key={name}>{name}</option>
            ))}
          </select>
        </div>
      </div>
      <ErrorMessage error={log.error} />
      {log.isPending ? (
        <SkeletonRows rows={5} label="Loading the audit log" />
      ) : entries.length === 0 ? (
        <EmptyState title="Nothing recorded yet" />
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Action</th>
                <th scope="col">Who</th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((entry) => (
                <tr key={entry.id}>
                  <td>{formatDateTime(entry.createdAt)}</td>
                  <th scope="row">
                    <code>{entry.action}</code>
                  </th>
                  <td>
                    {entry.actor.label ?? entry.actor.type}
                    {entry.ip ? <div className="muted small">{entry.ip}</div> : null}
                  </td>
                  <td className="small wrap">{describeDetails(entry) || <span className="muted">—</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {log.hasNextPage ? (
        <div className="pagination">
          <button type="button" className="button" onClick={() => log.fetchNextPage()} disabled={log.isFetchingNextPage}>
            Load older entries
          </button>
        </div>
      ) : null}
    </section>
  );
}
