// The audit log: who changed keys, limits, routing and members, newest first.
import { useState } from 'react';
import { useAuditLog } from '../../api/settings';
import type { AuditEntry } from '../../api/types';
import { EmptyState } from '../../components/empty-state';
import { type Column, ResourceTable } from '../../components/resource-table';
import { formatDateTime } from '../../format/format';

/** The details as a list of names and values, each value wrapped as needed (JSON for what is not text). */
function Details({ entry }: { entry: AuditEntry }) {
  const entries = Object.entries(entry.details);
  if (entries.length === 0) return <span className="muted">—</span>;
  return (
    <dl className="audit-details">
      {entries.map(([name, value]) => (
        <div key={name}>
          <dt>{name}</dt>
          <dd>{typeof value === 'string' ? value : JSON.stringify(value)}</dd>
        </div>
      ))}
    </dl>
  );
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
  { header: 'Details', className: 'small wrap', cell: (entry) => <Details entry={entry} /> },
];

export function AuditLogSection() {
  const [action, setAction] = useState('');
  const log = useAuditLog(action);
  // Every action the server records (its own list), so none is missing from the filter.
  const actions = log.data?.pages[0]?.actions ?? [];

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
            {action !== '' && !actions.some((name) => name === action) ? <option>{action}</option> : null}
            {actions.map((name) => (
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
        scrollLabel="Audit log entries"
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
