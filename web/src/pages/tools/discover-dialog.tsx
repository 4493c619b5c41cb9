// "Discover tools on …": connects to the MCP server and lists its tools, each with a checkbox; the ones already in
// the library are marked and cannot be picked again. "Import" adds the picked ones to the library. A server that
// cannot be reached (or answers an error) says so in the API's words.
import { type FormEvent, useState } from 'react';
import { useDiscoverMcpServer, useImportMcpTools } from '../../api/tools';
import type { McpServer } from '../../api/types';
import { Dialog, DialogClose } from '../../components/dialog';
import { EmptyState } from '../../components/empty-state';
import { ErrorMessage } from '../../components/error-message';
import { SkeletonRows } from '../../components/skeleton';
import { useToast } from '../../components/toaster';

export function DiscoverDialog({ server, onClose }: { server: McpServer; onClose: () => void }) {
  const discovered = useDiscoverMcpServer(server.id);
  const importTools = useImportMcpTools();
  const notify = useToast();
  const [picked, setPicked] = useState<string[]>([]);
  const tools = discovered.data?.data ?? [];

  const toggle = (name: string, on: boolean) => setPicked((current) => (on ? [...current, name] : current.filter((n) => n !== name)));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    importTools.mutate(
      { id: server.id, tools: picked },
      {
        onSuccess: (answer) => {
          const count = answer.data.length;
          notify(`Imported ${count} tool${count === 1 ? '' : 's'} from ${server.name}`);
          setPicked([]);
        },
      },
    );
  };

  return (
    <Dialog
      open
      onOpenChange={(open) => (open ? undefined : onClose())}
      wide
      title={`Discover tools on ${server.name}`}
      description={
        <>
          The tools <code>{server.url}</code> offers. Imported tools join the library as MCP tools, with the server's input schema.
        </>
      }
    >
      <form onSubmit={submit} className="stack">
        <ErrorMessage error={discovered.error} title="Could not list the server's tools:" />
        {discovered.isPending ? <SkeletonRows rows={3} label="Connecting to the server" /> : null}
        {discovered.data && tools.length === 0 ? <EmptyState title="No tools">The server offers no tools.</EmptyState> : null}
        {tools.length > 0 ? (
          <fieldset>
            <legend>Tools on the server</legend>
            <ul className="check-list">
              {tools.map((tool, index) => {
                const hintId = `discovered-tool-${index}-hint`;
                return (
                  <li key={tool.name}>
                    <label className="check">
                      <input
                        type="checkbox"
                        aria-describedby={hintId}
                        checked={tool.alreadyImported || picked.includes(tool.name)}
                        disabled={tool.alreadyImported}
                        onChange={(event) => toggle(tool.name, event.target.checked)}
                      />
                      <code>{tool.name}</code>
                      {tool.alreadyImported ? <span className="badge">Already imported</span> : null}
                    </label>
                    <p className="hint" id={hintId}>
                      {tool.description || 'No description.'}
                    </p>
                  </li>
                );
              })}
            </ul>
          </fieldset>
        ) : null}
        <ErrorMessage error={importTools.error} />
        <div className="dialog-actions">
          {discovered.error ? (
            <button type="button" className="button" disabled={discovered.isFetching} onClick={() => void discovered.refetch()}>
              Try again
            </button>
          ) : null}
          <DialogClose>
            <button type="button" className="button">
              Close
            </button>
          </DialogClose>
          <button
            type="submit"
            className="button primary"
            disabled={picked.length === 0 || importTools.isPending}
            aria-busy={importTools.isPending}
          >
            Import
          </button>
        </div>
      </form>
    </Dialog>
  );
}
