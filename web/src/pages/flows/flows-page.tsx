// Flows: every prompt program of the tenant, with its latest version and what runs in each environment.
import { useState } from 'react';
import { Link } from 'react-router';
import { useFlows } from '../../api/flows';
import { EmptyState } from '../../components/empty-state';
import { ErrorMessage } from '../../components/error-message';
import { PageError } from '../../components/page-error';
import { PageHeader } from '../../components/page-header';
import { SkeletonRows } from '../../components/skeleton';
import { formatRelative } from '../../format/format';
import { usePermissions } from '../../session/use-session';
import { CompareEnvironments } from './compare-environments';
import { NewFlowDialog } from './new-flow-dialog';

export function FlowsPage() {
  const flows = useFlows();
  const { manageFlows } = usePermissions();
  const [creating, setCreating] = useState(false);
  const rows = flows.data?.data ?? [];

  return (
    <>
      <PageHeader
        title="Flows"
        description={
          manageFlows
            ? 'Prompts kept in the gateway, with numbered versions activated per environment and run by API.'
            : 'Prompts kept in the gateway, with numbered versions activated per environment. Owners and admins change them.'
        }
        actions={
          manageFlows ? (
            <button type="button" className="button primary" onClick={() => setCreating(true)}>
              New flow
            </button>
          ) : null
        }
      />
      <section className="card" aria-labelledby="flow-list-title">
        <h2 id="flow-list-title">All flows</h2>
        {flows.error ? (
          flows.data ? (
            <ErrorMessage error={flows.error} />
          ) : (
            <PageError error={flows.error} onReload={() => void flows.refetch()} />
          )
        ) : null}
        {flows.error && !flows.data ? null : flows.isPending ? (
          <SkeletonRows rows={4} label="Loading flows" />
        ) : rows.length === 0 ? (
          <EmptyState title="No flows yet">
            {manageFlows
              ? 'Create a flow, write its prompt with [[parameters]], activate it in an environment and run it by API.'
              : 'An owner or admin can create flows.'}
          </EmptyState>
        ) : (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Title</th>
                  <th scope="col">Slug</th>
                  <th scope="col">Latest version</th>
                  <th scope="col">Active</th>
                  <th scope="col">Updated</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((flow) => (
                  <tr key={flow.id}>
                    <th scope="row">
                      <Link to={`/flows/${encodeURIComponent(flow.slug)}`}>{flow.title}</Link>
                    </th>
                    <td>
                      <code>{flow.slug}</code>
                    </td>
                    <td>{flow.latestVersion === null ? <span className="muted">None yet</span> : `Version ${flow.latestVersion}`}</td>
                    <td>
                      <ActiveBadges environments={flow.environments} />
                    </td>
                    <td>{formatRelative(flow.updatedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      {rows.length > 0 ? <CompareEnvironments /> : null}
      {manageFlows ? <NewFlowDialog open={creating} onOpenChange={setCreating} /> : null}
    </>
  );
}

function ActiveBadges({ environments }: { environments: Record<string, number> }) {
  const entries = Object.entries(environments).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) return <span className="muted">Nowhere</span>;
  return (
    <span className="badges">
      {entries.map(([environment, version]) => (
        <span key={environment} className="badge">
          {environment}: v{version}
        </span>
      ))}
    </span>
  );
}
