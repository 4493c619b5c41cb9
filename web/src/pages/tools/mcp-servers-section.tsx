// "MCP servers": the Model Context Protocol servers registered for the tenant — register, edit, delete — and
// "Discover", which lists a server's tools to import into the library.
import { useState } from 'react';
import { useDeleteMcpServer, useMcpServers } from '../../api/tools';
import type { McpServer } from '../../api/types';
import { ConfirmRemoval } from '../../components/confirm-removal';
import { EmptyState } from '../../components/empty-state';
import { type Column, ResourceTable } from '../../components/resource-table';
import { RowActions } from '../../components/row-actions';
import { usePermissions } from '../../session/use-session';
import { DiscoverDialog } from './discover-dialog';
import { McpServerDialog } from './mcp-server-dialog';

const rowId = (server: McpServer) => `mcp-server-${server.id}`;

const COLUMNS: Array<Column<McpServer>> = [
  { header: 'Name', rowHeader: true, cell: (server) => <span id={rowId(server)}>{server.name}</span> },
  { header: 'URL', className: 'wrap small', cell: (server) => <code>{server.url}</code> },
  {
    header: 'Headers',
    cell: (server) =>
      server.headerNames.length === 0 ? (
        <span className="muted">—</span>
      ) : (
        <span className="badges">
          {server.headerNames.map((name) => (
            <span key={name} className="badge success">
              {name}: set
            </span>
          ))}
        </span>
      ),
  },
];

export function McpServersSection() {
  const servers = useMcpServers();
  const remove = useDeleteMcpServer();
  const { manageFlows } = usePermissions();
  const [registering, setRegistering] = useState(false);
  const [editing, setEditing] = useState<McpServer | null>(null);
  const [discovering, setDiscovering] = useState<McpServer | null>(null);
  const [deleting, setDeleting] = useState<McpServer | null>(null);

  return (
    <section className="card" aria-labelledby="mcp-servers-title">
      <div className="card-header">
        <div>
          <h2 id="mcp-servers-title">MCP servers</h2>
          <p className="muted">
            Servers speaking the Model Context Protocol (Streamable HTTP or HTTP+SSE). Discover a server's tools and import them into the
            library; headers are encrypted and never shown again.
          </p>
        </div>
        {manageFlows ? (
          <button type="button" className="button primary" onClick={() => setRegistering(true)}>
            Register server
          </button>
        ) : null}
      </div>
      <ResourceTable
        rows={servers.data?.data}
        rowKey={(server) => server.id}
        columns={COLUMNS}
        pending={servers.isPending}
        error={servers.error}
        loadingLabel="Loading MCP servers"
        empty={
          <EmptyState title="No MCP servers">
            {manageFlows
              ? "Register a server by its MCP endpoint's URL, then discover its tools."
              : 'An owner or admin can register servers.'}
          </EmptyState>
        }
        actions={
          manageFlows
            ? (server) => (
                <RowActions
                  describedBy={rowId(server)}
                  actions={[
                    { label: 'Discover', onClick: () => setDiscovering(server) },
                    { label: 'Edit', onClick: () => setEditing(server) },
                    { label: 'Delete', onClick: () => setDeleting(server), danger: true },
                  ]}
                />
              )
            : undefined
        }
      />
      {manageFlows ? (
        <>
          <McpServerDialog server={null} open={registering} onOpenChange={setRegistering} />
          <McpServerDialog server={editing} open={editing !== null} onOpenChange={(open) => (open ? undefined : setEditing(null))} />
          {discovering ? <DiscoverDialog server={discovering} onClose={() => setDiscovering(null)} /> : null}
          <ConfirmRemoval
            item={deleting}
            onClose={() => setDeleting(null)}
            removal={remove}
            title={`Delete the MCP server ${deleting?.name ?? ''}?`}
            description="Flows stop reaching it at once. A server whose tools are in the library cannot be deleted: delete those tools first."
            onConfirm={(server, done) => remove.mutate(server.id, { onSuccess: () => done(`MCP server ${server.name} deleted`) })}
          />
        </>
      ) : null}
    </section>
  );
}
