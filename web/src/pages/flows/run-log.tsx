// "Run log": the flow's recent runs, newest first, from the dashboard, API keys and the CLI alike; "Details" opens
// one run with its tool calls.
import { useState } from 'react';
import { type AwaitedRun, useFlowRuns } from '../../api/flows';
import { EmptyState } from '../../components/empty-state';
import { ErrorMessage } from '../../components/error-message';
import { SkeletonRows } from '../../components/skeleton';
import { formatDateTimeSeconds, formatMs, formatUsd } from '../../format/format';
import { RunDetail } from './run-detail';

export function RunLog({ flow, awaited }: { flow: string; awaited: AwaitedRun | null }) {
  const runs = useFlowRuns(flow, awaited);
  const rows = runs.data?.pages.flatMap((page) => page.data) ?? [];
  const [opened, setOpened] = useState<string | null>(null);

  return (
    <section className="card" aria-labelledby="run-log-title">
      <h2 id="run-log-title">Run log</h2>
      <ErrorMessage error={runs.error} />
      {runs.isPending ? (
        <SkeletonRows rows={3} label="Loading the run log" />
      ) : rows.length === 0 ? (
        <EmptyState title="No runs yet">
          Run the flow above, or with an API key: <code>POST /api/v1/flows/{flow}/runs</code>.
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Version</th>
                <th scope="col">Environment</th>
                <th scope="col">Customer</th>
                <th scope="col">Status</th>
                <th scope="col" className="number">
                  Cost
                </th>
                <th scope="col" className="number">
                  Latency
                </th>
                <th scope="col">
                  <span className="visually-hidden">Details</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((run) => (
                <tr key={run.id}>
                  <td>{formatDateTimeSeconds(run.createdAt)}</td>
                  <td>Version {run.version}</td>
                  <td>{run.environment}</td>
                  <td>{run.customer ?? <span className="muted">—</span>}</td>
                  <td className={run.status === 'failed' ? 'wrap' : undefined}>
                    {run.status === 'succeeded' ? (
                      <span className="badge success">Succeeded</span>
                    ) : (
                      <>
                        <span className="badge danger">Failed ({run.httpStatus})</span> {run.error?.message}
                      </>
                    )}
                  </td>
                  <td className="number">{formatUsd(run.costUsd)}</td>
                  <td className="number">{formatMs(run.milliseconds)}</td>
                  <td className="row-actions">
                    <button
                      type="button"
                      className="button small"
                      aria-label={`Details of the run at ${formatDateTimeSeconds(run.createdAt)}`}
                      onClick={() => setOpened(run.id)}
                    >
                      Details
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {runs.hasNextPage ? (
        <div className="form-actions">
          <button type="button" className="button" disabled={runs.isFetchingNextPage} onClick={() => runs.fetchNextPage()}>
            Show older runs
          </button>
        </div>
      ) : null}
      {opened ? <RunDetail flow={flow} id={opened} onClose={() => setOpened(null)} /> : null}
    </section>
  );
}
