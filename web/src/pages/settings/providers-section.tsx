// Provider connections: the server's global ones and the tenant's own (bring your own key), with a connection test.
import { useState } from 'react';
import { useDeleteProvider, useProviders } from '../../api/settings';
import type { ProviderConnection } from '../../api/types';
import { ConfirmRemoval } from '../../components/confirm-removal';
import { EmptyState } from '../../components/empty-state';
import { type Column, ResourceTable } from '../../components/resource-table';
import { usePermissions } from '../../session/use-session';
import { AddProviderDialog } from './add-provider-dialog';
import { TestProviderDialog } from './test-provider-dialog';

const COLUMNS: Array<Column<ProviderConnection>> = [
  { header: 'Name', rowHeader: true, cell: (connection) => connection.name },
  { header: 'Type', cell: (connection) => connection.type },
  { header: 'Environment', cell: (connection) => (connection.global ? <span className="badge">global</span> : connection.environment) },
  { header: 'Base URL', className: 'muted small', cell: (connection) => connection.baseUrl },
  {
    header: 'Key',
    cell: (connection) =>
      connection.hasApiKey || connection.credentialNames.length > 0 ? <span className="badge success">set</span> : '—',
  },
];

export function ProvidersSection() {
  const providers = useProviders();
  const remove = useDeleteProvider();
  const { manageTenant } = usePermissions();
  const [adding, setAdding] = useState(false);
  const [testing, setTesting] = useState<ProviderConnection | null>(null);
  const [deleting, setDeleting] = useState<ProviderConnection | null>(null);

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
      <ResourceTable
        rows={providers.data?.data}
        rowKey={(connection) => connection.id ?? `global-${connection.name}`}
        columns={COLUMNS}
        pending={providers.isPending}
        error={providers.error}
        loadingLabel="Loading providers"
        empty={
          <EmptyState title="No provider connection">
            Add one with your provider's API key, or set OPENAI_API_KEY (etc.) on the server.
          </EmptyState>
        }
        actions={
          manageTenant
            ? (connection) =>
                connection.id ? (
                  <>
                    <button type="button" className="button small" onClick={() => setTesting(connection)}>
                      Test
                    </button>
                    <button type="button" className="button small danger-text" onClick={() => setDeleting(connection)}>
                      Delete
                    </button>
                  </>
                ) : null
            : undefined
        }
      />
      {manageTenant ? (
        <>
          <AddProviderDialog open={adding} onOpenChange={setAdding} />
          <TestProviderDialog connection={testing} onClose={() => setTesting(null)} />
          <ConfirmRemoval
            item={deleting}
            onClose={() => setDeleting(null)}
            removal={remove}
            title={`Delete the ${deleting?.name ?? ''} connection?`}
            description="Requests stop reaching the provider through it at once. A connection that routing rules still use cannot be deleted."
            onConfirm={(connection, done) =>
              connection.id && remove.mutate(connection.id, { onSuccess: () => done(`Connection ${connection.name} deleted`) })
            }
          />
        </>
      ) : null}
    </section>
  );
}
