// The rows of a usage report, with the totals underneath; each row links to its requests in Logs.
import { Link } from 'react-router';
import type { UsageMetrics, UsageReport, UsageRow } from '../../api/types';
import type { UsageFilter } from '../../api/usage';
import { EmptyState } from '../../components/empty-state';
import { formatBucket, formatCompact, formatInteger, formatMs, formatUsd } from '../../format/format';
import { modelLabel, providerLabel } from '../../format/labels';
import { bucketRange, logsLink } from '../logs/logs-link';
import { groupLabel } from './usage-filters';

/** The filters of the report that the request log has too. */
function logFilters(filter: UsageFilter) {
  return {
    from: filter.from,
    to: filter.to,
    customer: filter.customer,
    key: filter.key,
    model: filter.model,
    provider: filter.provider,
    status: filter.status,
  };
}

/** The Logs page with this row's requests, or null when its group can't be filtered on (no customer, a session). */
function rowLink(row: UsageRow, groupBy: UsageReport['groupBy'], filter: UsageFilter): string | null {
  const base = logFilters(filter);
  switch (groupBy) {
    case 'day':
    case 'hour': {
      const range = bucketRange(row);
      return range ? logsLink({ ...base, ...range }) : null;
    }
    case 'customer':
      return row.customer ? logsLink({ ...base, customer: row.customer }) : null;
    case 'key':
      return row.keyId ? logsLink({ ...base, key: row.keyId }) : null;
    case 'model':
      return row.model ? logsLink({ ...base, model: row.model }) : null;
    case 'provider':
      return row.provider ? logsLink({ ...base, provider: row.provider }) : null;
    default:
      return logsLink(base);
  }
}

function ViewRequests({ to }: { to: string | null }) {
  return <td className="row-actions">{to ? <Link to={to}>View requests</Link> : null}</td>;
}

function groupCell(row: UsageRow, groupBy: UsageReport['groupBy'], keyNames: Map<string, string>) {
  switch (groupBy) {
    case 'day':
      return row.day ? formatBucket(row.day) : '—';
    case 'hour':
      return row.hour ? new Date(row.hour).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }) : '—';
    case 'customer':
      return row.customer ? <Link to={`/customers/${encodeURIComponent(row.customer)}`}>{row.customer}</Link> : 'No customer';
    case 'key':
      return row.keyName ?? keyNames.get(row.keyId ?? '') ?? row.keyId ?? 'Session (dashboard)';
    case 'model':
      return modelLabel(row.model);
    case 'provider':
      return providerLabel(row.provider);
    default:
      return 'All';
  }
}

function Metrics({ metrics }: { metrics: UsageMetrics }) {
  return (
    <>
      <td className="number">{formatInteger(metrics.requests)}</td>
      <td className="number">{formatInteger(metrics.errors)}</td>
      <td className="number">{formatCompact(metrics.totalTokens)}</td>
      <td className="number">{formatUsd(metrics.costUsd)}</td>
      <td className="number">{formatInteger(metrics.cacheHits)}</td>
      <td className="number">{formatMs(metrics.latencyP50Ms)}</td>
      <td className="number">{formatMs(metrics.latencyP95Ms)}</td>
    </>
  );
}

interface UsageTableProps {
  report: UsageReport;
  keyNames: Map<string, string>;
  /** The filters the report was made with, which its rows' links keep. */
  filter: UsageFilter;
  /** Nothing in the last 30 days, whatever the filters: the tenant has not started. */
  noTrafficYet?: boolean;
}

export function UsageTable({ report, keyNames, filter, noTrafficYet = false }: UsageTableProps) {
  const rows = report.data.filter((row) => row.requests > 0);
  if (rows.length === 0 && noTrafficYet) {
    return (
      <EmptyState title="No traffic yet" action={<Link to="/">How to make the first request</Link>}>
        Requests appear here once traffic flows through Shuttle.
      </EmptyState>
    );
  }
  if (rows.length === 0) {
    return <EmptyState title="No requests match these filters">Widen the range or clear a filter.</EmptyState>;
  }
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">{groupLabel(report.groupBy)}</th>
            <th scope="col" className="number">
              Requests
            </th>
            <th scope="col" className="number">
              Errors
            </th>
            <th scope="col" className="number">
              Tokens
            </th>
            <th scope="col" className="number">
              Spend
            </th>
            <th scope="col" className="number">
              Cache hits
            </th>
            <th scope="col" className="number">
              p50
            </th>
            <th scope="col" className="number">
              p95
            </th>
            <th scope="col">
              <span className="visually-hidden">Logs</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows of a report have no id; the order is the report's
            <tr key={index}>
              <th scope="row">{groupCell(row, report.groupBy, keyNames)}</th>
              <Metrics metrics={row} />
              <ViewRequests to={rowLink(row, report.groupBy, filter)} />
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">Total</th>
            <Metrics metrics={report.totals} />
            <ViewRequests to={logsLink(logFilters(filter))} />
          </tr>
        </tfoot>
      </table>
    </div>
  );
}
