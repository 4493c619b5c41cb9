// "Register MCP server" and "Edit MCP server …": a name, the server's MCP endpoint and the headers sent with every
// request to it (values never shown again; when editing, kept unless replaced). The API's refusals — a private
// address, a moved URL without its headers — are shown as it words them.
import { type FormEvent, useState } from 'react';
import { useCreateMcpServer, useUpdateMcpServer } from '../../api/tools';
import type { McpServer } from '../../api/types';
import { Dialog, DialogClose } from '../../components/dialog';
import { ErrorMessage } from '../../components/error-message';
import { Field } from '../../components/field';
import { useToast } from '../../components/toaster';
import { type HeaderRow, HeaderRows, headersOf } from './header-rows';

const FIELDS = { name: 'Name', url: 'URL', headers: 'Headers' };

interface McpServerDialogProps {
  /** null: register a new one. */
  server: McpServer | null;
  open: boolean;
  onOpenChange: (open: boolean) => void;
}

export function McpServerDialog({ server, open, onOpenChange }: McpServerDialogProps) {
  return (
    <Dialog
      open={open}
      onOpenChange={onOpenChange}
      wide
      title={server ? `Edit MCP server ${server.name}` : 'Register MCP server'}
      description="The URL is the server's MCP endpoint: …/mcp for Streamable HTTP, …/sse for an older HTTP+SSE server."
    >
      {open ? <ServerForm server={server} onDone={() => onOpenChange(false)} /> : null}
    </Dialog>
  );
}

function ServerForm({ server, onDone }: { server: McpServer | null; onDone: () => void }) {
  const create = useCreateMcpServer();
  const update = useUpdateMcpServer();
  const mutation = server ? update : create;
  const notify = useToast();
  const [name, setName] = useState(server?.name ?? '');
  const [url, setUrl] = useState(server?.url ?? '');
  const [headers, setHeaders] = useState<HeaderRow[]>(server ? [] : [{ name: '', value: '' }]);
  const [replacing, setReplacing] = useState(server === null);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const given = headersOf(headers);
    const body = {
      name: name.trim(),
      url: url.trim(),
      ...(replacing && (server || Object.keys(given).length > 0) ? { headers: given } : {}),
    };
    const done = (saved: McpServer) => {
      notify(server ? `MCP server ${saved.name} saved` : `MCP server ${saved.name} registered`);
      onDone();
    };
    if (server) update.mutate({ id: server.id, body }, { onSuccess: done });
    else create.mutate(body, { onSuccess: done });
  };

  return (
    <form onSubmit={submit} className="stack">
      <div className="form-grid">
        <Field label="Name">
          {(props) => (
            <input {...props} required maxLength={64} placeholder="GitHub" value={name} onChange={(event) => setName(event.target.value)} />
          )}
        </Field>
        <Field label="URL" hint="http:// or https://, without credentials (put those in a header).">
          {(props) => (
            <input
              {...props}
              required
              type="url"
              placeholder="https://mcp.example.com/mcp"
              value={url}
              onChange={(event) => setUrl(event.target.value)}
            />
          )}
        </Field>
      </div>
      <HeaderRows
        rows={headers}
        onChange={setHeaders}
        {...(server
          ? {
              stored: server.headerNames,
              replacing,
              onReplacingChange: (next: boolean) => {
                setReplacing(next);
                if (next && headers.length === 0) setHeaders([{ name: '', value: '' }]);
              },
            }
          : {})}
      />
      <ErrorMessage error={mutation.error} fields={FIELDS} />
      <div className="dialog-actions">
        <DialogClose>
          <button type="button" className="button">
            Cancel
          </button>
        </DialogClose>
        <button type="submit" className="button primary" disabled={mutation.isPending} aria-busy={mutation.isPending}>
          {server ? 'Save server' : 'Register server'}
        </button>
      </div>
    </form>
  );
}
