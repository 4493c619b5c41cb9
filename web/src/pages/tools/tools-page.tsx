// Tools: the tenant's tool library that flow templates name (create, edit, test, delete), and the MCP servers whose
// tools can be imported into it.
import { useState } from 'react';
import { useDeleteTool, useTools } from '../../api/tools';
import type { Tool } from '../../api/types';
import { ConfirmRemoval } from '../../components/confirm-removal';
import { EmptyState } from '../../components/empty-state';
import { PageError } from '../../components/page-error';
import { PageHeader } from '../../components/page-header';
import { type Column, ResourceTable } from '../../components/resource-table';
import { RowActions } from '../../components/row-actions';
import { usePermissions } from '../../session/use-session';
import { McpServersSection } from './mcp-servers-section';
import { TestToolDialog } from './test-tool-dialog';
import { ToolDialog } from './tool-dialog';

const TYPE_NAMES: Record<Tool['type'], string> = {
  http: 'HTTP',
  agent: 'Agent',
  critique: 'Critique loop',
  virtual: 'Provider-native',
  mcp: 'MCP',
};

const rowId = (tool: Tool) => `tool-${tool.id}`;

const COLUMNS: Array<Column<Tool>> = [
  {
    header: 'Name',
    rowHeader: true,
    cell: (tool) => <code id={rowId(tool)}>{tool.name}</code>,
  },
  { header: 'Type', cell: (tool) => TYPE_NAMES[tool.type] },
  {
    header: 'Description',
    className: 'wrap',
    cell: (tool) => (tool.description ? tool.description : <span className="muted">—</span>),
  },
];

export function ToolsPage() {
  const tools = useTools();
  const remove = useDeleteTool();
  const { manageFlows } = usePermissions();
  const [editing, setEditing] = useState<Tool | null>(null);
  const [creating, setCreating] = useState(false);
  const [testing, setTesting] = useState<Tool | null>(null);
  const [deleting, setDeleting] = useState<Tool | null>(null);

  return (
    <>
      <PageHeader
        title="Tools"
        description={
          manageFlows
            ? 'Tools the models of your flows may call: HTTP endpoints, other flows as agents, critique loops and the tools of MCP servers.'
            : 'Tools the models of your flows may call. Owners and admins change them.'
        }
        actions={
          manageFlows ? (
            <button type="button" className="button primary" onClick={() => setCreating(true)}>
              New tool
            </button>
          ) : null
        }
      />
      <section className="card" aria-labelledby="tool-library-title">
        <h2 id="tool-library-title">Tool library</h2>
        {tools.error && !tools.data ? (
          <PageError error={tools.error} onReload={() => void tools.refetch()} />
        ) : (
          <ResourceTable
            rows={tools.data?.data}
            rowKey={(tool) => tool.id}
            columns={COLUMNS}
            pending={tools.isPending}
            error={tools.error}
            loadingLabel="Loading tools"
            empty={
              <EmptyState title="No tools yet">
                {manageFlows
                  ? 'Create a tool, or import one from an MCP server below; then pick it in a flow version.'
                  : 'An owner or admin can add tools.'}
              </EmptyState>
            }
            actions={
              manageFlows
                ? (tool) => (
                    <RowActions
                      describedBy={rowId(tool)}
                      actions={[
                        { label: 'Test', onClick: () => setTesting(tool) },
                        { label: 'Edit', onClick: () => setEditing(tool) },
                        { label: 'Delete', onClick: () => setDeleting(tool), danger: true },
                      ]}
                    />
                  )
                : undefined
            }
          />
        )}
      </section>
      <McpServersSection />
      {manageFlows ? (
        <>
          <ToolDialog tool={null} open={creating} onOpenChange={setCreating} />
          <ToolDialog tool={editing} open={editing !== null} onOpenChange={(open) => (open ? undefined : setEditing(null))} />
          <TestToolDialog tool={testing} onClose={() => setTesting(null)} />
          <ConfirmRemoval
            item={deleting}
            onClose={() => setDeleting(null)}
            removal={remove}
            title={`Delete the tool ${deleting?.name ?? ''}?`}
            description="Flow versions that name it can no longer run. A tool that a version active in an environment uses cannot be deleted."
            onConfirm={(tool, done) => remove.mutate(tool.id, { onSuccess: () => done(`Tool ${tool.name} deleted`) })}
          />
        </>
      ) : null}
    </>
  );
}
