// Provider connections: the server's global ones and the tenant's own (bring your own key), with a connection test.
import { useState } from 'react';
import { useDeleteProvider, useProviders } from '../../api/settings';
import type { ProviderConnection } from '../../api/types';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { EmptyState } from '../../components/empty-state';
import { ErrorMessage } from '../../components/error-message';
import { SkeletonRows } from '../../components/skeleton';
import { useToast } from '../../components/toaster';
import { usePermissions } from '../../session/use-session';
import { AddProviderDialog } from './add-provider-dialog';
import { TestProviderDialog } from './test-provider-dialog';

export function ProvidersSection() {
  const providers = useProviders();
  const remove = useDeleteProvider();
  const notify = useToast();
  const { manageTenant } = usePermissions();
  const [adding, setAdding] = useState(false);
  const [testing, setTesting] = useState<ProviderConnection | null>(null);
  const [deleting, setDeleting] = useState<ProviderConnection | null>(null);
  const rows = providers.data?.data ?? [];

  return (
    <section className="card" aria-labelledby="providers-title">
      <div className="card-header">
        <div>
          <h2 id="providers-title">Provider connections</h2>
          <p className="muted">
            Global connections come from the server's environment. Add your own to use your provider keys; keys are encrypted and never
            shown again.
          </p>
        </div>
        {manageTenant ? (
          <button type="button" className="button primary" onClick={() => setAdding(true)}>
            Add provider
          </button>
        ) : null}
      </div>
      <ErrorMessage error={providers.error} />
      {providers.isPending ? (
        <SkeletonRows rows={3} label="Loading providers" />
      ) : rows.length === 0 ? (
        <EmptyState title="No provider connection">
          Add one with your provider's API key, or set OPENAI_API_KEY (etc.) on the server.
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Type</th>
                <th scope="col">Environment</th>
                <th scope="col">Base URL</th>
                <th scope="col">Key</th>
                {manageTenant ? (
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody>
              {rows.map((connection) => (
                <tr key={connection.id ?? `global-${connection.name}`}>
                  <th scope="row">{connection.name}</th>
                  <td>{connection.type}</td>
                  <td>{connection.global ? <span className="badge">global</span> : connection.environment}</td>
                  <td className="muted small">{connection.baseUrl}</td>
                  <td>
                    {connection.hasApiKey || connection.credentialNames.length > 0 ? <span className="badge success">set</span> : '—'}
                  </td>
                  {manageTenant ? (
                    <td className="row-actions">
                      {connection.id ? (
                        <>
                          <button type="button" className="button small" onClick={() => setTesting(connection)}>
                            Test
                          </button>
                          <button type="button" className="button small danger-text" onClick={() => setDeleting(connection)}>
                            Delete
                          </button>
                        </>
                      ) : null}
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {manageTenant ? (
        <>
          <AddProviderDialog open={adding} onOpenChange={setAdding} />
          <TestProviderDialog connection={testing} onClose={() => setTesting(null)} />
          <ConfirmDialog
            open={deleting !== null}
            onOpenChange={(open) => {
              if (!open) {
                setDeleting(null);
                remove.reset();
              }
            }}
            title={`Delete the ${deleting?.name ?? ''} connection?`}
            description="Requests stop reaching the provider through it at once. A connection that routing rules still use cannot be deleted."
            confirmLabel="Delete"
            pending={remove.isPending}
            error={remove.error}
            onConfirm={() =>
              deleting?.id &&
              remove.mutate(deleting.id, {
                onSuccess: () => {
                  notify(`Connection ${deleting.name} deleted`);
                  setDeleting(null);
                },
              })
            }
          />
        </>
      ) : null}
    </section>
  );
}
