// The audit log: who changed keys, limits, routing and members, newest first.
import { useState } from 'react';
import { useAuditLog } from '../../api/settings';
import type { AuditEntry } from '../../api/types';
import { EmptyState } from '../../components/empty-state';
import { type Column, ResourceTable } from '../../components/resource-table';
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

const COLUMNS: Array<Column<AuditEntry>> = [
  { header: 'When', cell: (entry) => formatDateTime(entry.createdAt) },
  { header: 'Action', rowHeader: true, cell: (entry) => <code>{entry.action}</code> },
  {
    header: 'Who',
    cell: (entry) => (
      <>
        {entry.actor.label ?? entry.actor.type}
        {entry.ip ? <div className="muted small">{entry.ip}</div> : null}
      </>
    ),
  },
  { header: 'Details', className: 'small wrap', cell: (entry) => describeDetails(entry) || <span className="muted">—</span> },
];

export function AuditLogSection() {
  const [action, setAction] = useState('');
  const log = useAuditLog(action);

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
      <ResourceTable
        rows={log.data?.pages.flatMap((page) => page.data)}
        rowKey={(entry) => entry.id}
        columns={COLUMNS}
        pending={log.isPending}
        error={log.error}
        loadingLabel="Loading the audit log"
        loadingRows={5}
        empty={<EmptyState title="Nothing recorded yet" />}
      />
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
