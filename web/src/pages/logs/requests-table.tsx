// The table "Requests": one row per logged request, newest first; its time opens the request's details.
import { Link } from 'react-router';
import type { RequestSummary } from '../../api/requests';
import { formatCompact, formatDateTimeSeconds, formatLogTime, formatMs, formatUsd } from '../../format/format';
import { NO_MODEL, NO_PROVIDER } from '../../format/labels';

export function StatusBadge({ status, errorCode }: { status: number; errorCode: string | null }) {
  if (status < 400) return <span className="badge success">{status}</span>;
  return (
    <span className="badge danger" title={errorCode ?? undefined}>
      {status}
      {errorCode ? ` ${errorCode}` : ''}
    </span>
  );
}

/** The model asked for, and the one that answered when it is another (not just the same without its provider). */
function modelCell(row: RequestSummary) {
  const same = row.servedModel === row.requestedModel || `${row.provider}/${row.servedModel}` === row.requestedModel;
  if (row.servedModel && row.requestedModel && !same) {
    return (
      <>
        {row.requestedModel} <span className="muted">→ {row.servedModel}</span>
      </>
    );
  }
  return row.requestedModel ?? row.servedModel ?? <span className="muted">{NO_MODEL}</span>;
}

interface RequestsTableProps {
  rows: RequestSummary[];
  /** The list's query string, kept when a request is opened so closing it returns to the same list. */
  search: string;
  busy: boolean;
}

export function RequestsTable({ rows, search, busy }: RequestsTableProps) {
  return (
    <div className="table-wrap">
      <table aria-label="Requests" aria-busy={busy} className="requests-table">
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Endpoint</th>
            <th scope="col">Model</th>
            <th scope="col">Provider</th>
            <th scope="col">Status</th>
            <th scope="col" className="number">
              Tokens
            </th>
            <th scope="col" className="number">
              Cost
            </th>
            <th scope="col" className="number">
              Latency
            </th>
            <th scope="col">Customer</th>
            <th scope="col">Preview</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.id}>
              <th scope="row">
                <Link to={{ pathname: `/logs/${encodeURIComponent(row.id)}`, search }}>
                  <time dateTime={row.createdAt} title={formatDateTimeSeconds(row.createdAt)}>
                    {formatLogTime(row.createdAt)}
                  </time>
                  <span className="visually-hidden"> (request {row.id})</span>
                </Link>
              </th>
              <td>
                {row.endpoint}
                {row.streamed ? <span className="badge subtle">stream</span> : null}
              </td>
              <td>{modelCell(row)}</td>
              <td>{row.provider ?? <span className="muted">{NO_PROVIDER}</span>}</td>
              <td>
                <StatusBadge status={row.status} errorCode={row.errorCode} />
              </td>
              <td className="number">{formatCompact(row.promptTokens + row.completionTokens)}</td>
              <td className="number">{formatUsd(row.costUsd)}</td>
              <td className="number">{formatMs(row.latencyMs)}</td>
              <td>{row.customerId ?? <span className="muted">—</span>}</td>
              <td className="preview">
                {row.preview === null ? (
                  <span className="muted">{row.level === 'metadata' ? 'Not kept (metadata only)' : '—'}</span>
                ) : (
                  <span title={row.preview}>{row.preview}</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
