// "New tool" and "Edit tool …": a name, a description, the JSON Schema of the arguments and the fields of the
// tool's type — http (URL, method, a URL per environment, headers whose values are never shown again, timeout),
// agent (a flow, max depth), critique (producer and critic flows, max iterations). mcp tools come from an MCP
// server's import; editing one changes its name, description and schema only.
import { type FormEvent, useState } from 'react';
import { useFlows } from '../../api/flows';
import { useEnvironments } from '../../api/settings';
import { useCreateTool, useUpdateTool } from '../../api/tools';
import type { NewTool, Tool, ToolPatch } from '../../api/types';
import { Dialog, DialogClose } from '../../components/dialog';
import { ErrorMessage } from '../../components/error-message';
import { Field } from '../../components/field';
import { useToast } from '../../components/toaster';
import { type HeaderRow, HeaderRows, headersOf } from './header-rows';
import { JsonField, parseJsonObject } from './json-field';

/** The types made here; mcp tools come from an import, virtual ones from the API. */
const CREATABLE = ['http', 'agent', 'critique'] as const;
type Creatable = (typeof CREATABLE)[number];
const TYPE_LABELS: Record<Creatable, string> = {
  http: 'HTTP endpoint',
  agent: 'Agent (another flow)',
  critique: 'Critique loop (producer and critic flows)',
};

/** Tool names as the API checks them (`^[a-zA-Z0-9_-]{1,64}$`), written for the `v` flag. */
const TOOL_NAME_PATTERN = '[a-zA-Z0-9_\\-]{1,64}';
const EMPTY_SCHEMA = '{\n  "type": "object",\n  "properties": {}\n}';

const FIELDS = {
  name: 'Name',
  description: 'Description',
  parameters: 'Parameters (JSON Schema)',
  url: 'URL',
  urls: 'URL per environment',
  method: 'Method',
  headers: 'Headers',
  timeoutMs: 'Timeout (ms)',
  flowId: 'Flow',
  maxDepth: 'Max depth',
  producerFlow: 'Producer flow',
  criticFlow: 'Critic flow',
  maxIterations: 'Max iterations',
};

interface ToolDialogProps {
  /** null: a new tool. */
  tool: Tool | null;
  open: boolean;
  onOpenChange: (open: boolean) => void;
}

export function ToolDialog({ tool, open, onOpenChange }: ToolDialogProps) {
  return (
    <Dialog
      open={open}
      onOpenChange={onOpenChange}
      wide
      title={tool ? `Edit tool ${tool.name}` : 'New tool'}
      description={
        tool
          ? 'Changes apply to the next run of every flow that uses the tool.'
          : 'A tool the models of your flows may call. Name it for what it does: the model reads the name and the description.'
      }
    >
      {/* Mounted only while open, so each opening starts from the tool as it is. */}
      {open ? <ToolForm tool={tool} onDone={() => onOpenChange(false)} /> : null}
    </Dialog>
  );
}

const text = (value: unknown) => (typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '');

function ToolForm({ tool, onDone }: { tool: Tool | null; onDone: () => void }) {
  const create = useCreateTool();
  const update = useUpdateTool();
  const mutation = tool ? update : create;
  const notify = useToast();
  const flows = useFlows();
  const environments = useEnvironments();
  const [type, setType] = useState<Tool['type']>(tool?.type ?? 'http');
  const [name, setName] = useState(tool?.name ?? '');
  const [description, setDescription] = useState(tool?.description ?? '');
  const [parameters, setParameters] = useState(tool ? JSON.stringify(tool.parameters, null, 2) : EMPTY_SCHEMA);
  const [url, setUrl] = useState(text(tool?.url));
  const [method, setMethod] = useState(text(tool?.method) || 'GET');
  const [urls, setUrls] = useState<Record<string, string>>(
    tool?.urls && typeof tool.urls === 'object' ? (tool.urls as Record<string, string>) : {},
  );
  const [timeoutMs, setTimeoutMs] = useState(text(tool?.timeoutMs) || '10000');
  const [headers, setHeaders] = useState<HeaderRow[]>(tool ? [] : [{ name: '', value: '' }]);
  const [replacingHeaders, setReplacingHeaders] = useState(tool === null);
  const [flowId, setFlowId] = useState(text(tool?.flowId));
  const [maxDepth, setMaxDepth] = useState(text(tool?.maxDepth) || '3');
  const [producerFlow, setProducerFlow] = useState(text(tool?.producerFlow));
  const [criticFlow, setCriticFlow] = useState(text(tool?.criticFlow));
  const [maxIterations, setMaxIterations] = useState(text(tool?.maxIterations) || '3');
  const schema = parseJsonObject(parameters);
  const environmentNames = environments.data?.data.map((env) => env.name) ?? ['production', 'development'];
  const flowOptions = flows.data?.data ?? [];

  const typeFields = (): Record<string, unknown> => {
    if (type === 'http') {
      const perEnvironment = Object.fromEntries(Object.entries(urls).filter(([, value]) => value.trim() !== ''));
      return {
        url: url.trim(),
        method,
        ...(tool || Object.keys(perEnvironment).length > 0 ? { urls: perEnvironment } : {}),
        timeoutMs: Number(timeoutMs),
        ...(replacingHeaders && (tool || Object.keys(headersOf(headers)).length > 0) ? { headers: headersOf(headers) } : {}),
      };
    }
    if (type === 'agent') return { flowId, maxDepth: Number(maxDepth) };
    if (type === 'critique') return { producerFlow, criticFlow, maxIterations: Number(maxIterations) };
    return {};
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if ('error' in schema) return;
    const common = { name: name.trim(), description, parameters: schema.value };
    const done = (saved: Tool) => {
      notify(tool ? `Tool ${saved.name} saved` : `Tool ${saved.name} created`);
      onDone();
    };
    if (tool) update.mutate({ id: tool.id, body: { ...common, ...typeFields() } as ToolPatch }, { onSuccess: done });
    else create.mutate({ ...common, type, ...typeFields() } as NewTool, { onSuccess: done });
  };

  const flowSelect = (label: string, value: string, onChange: (value: string) => void) => (
    <Field label={label}>
      {(props) => (
        <select {...props} required value={value} onChange={(event) => onChange(event.target.value)}>
          <option value="" disabled>
            Pick a flow
          </option>
          {flowOptions.map((flow) => (
            <option key={flow.id} value={flow.id}>
              {flow.title} ({flow.slug})
            </option>
          ))}
        </select>
      )}
    </Field>
  );

  return (
    <form onSubmit={submit} className="stack">
      <div className="form-grid">
        <Field label="Name" hint="What the model calls it: letters, digits, _ and -.">
          {(props) => (
            <input
              {...props}
              required
              pattern={TOOL_NAME_PATTERN}
              title="1–64 letters, digits, _ or -, e.g. get_weather"
              placeholder="get_weather"
              value={name}
              onChange={(event) => setName(event.target.value)}
            />
          )}
        </Field>
        <Field label="Type" hint={tool ? "A tool's type never changes." : 'MCP tools come from "Discover" on an MCP server.'}>
          {(props) =>
            tool ? (
              <input {...props} readOnly value={type} />
            ) : (
              <select {...props} value={type} onChange={(event) => setType(event.target.value as Creatable)}>
                {CREATABLE.map((option) => (
                  <option key={option} value={option}>
                    {TYPE_LABELS[option]}
                  </option>
                ))}
              </select>
            )
          }
        </Field>
      </div>
      <Field label="Description" hint="When the model should use it, and what it answers.">
        {(props) => (
          <input
            {...props}
            maxLength={4000}
            placeholder="The current weather in a city"
            value={description}
            onChange={(event) => setDescription(event.target.value)}
          />
        )}
      </Field>
      {type === 'http' ? (
        <>
          <div className="form-grid">
            <Field label="URL" hint="{param} placeholders are filled from the arguments, e.g. https://api.example.com/weather/{city}">
              {(props) => (
                <input
                  {...props}
                  required
                  type="text"
                  inputMode="url"
                  pattern="https?://.+"
                  title="An http:// or https:// URL"
                  maxLength={2048}
                  placeholder="https://api.example.com/weather/{city}"
                  value={url}
                  onChange={(event) => setUrl(event.target.value)}
                />
              )}
            </Field>
            <Field label="Method" hint="GET sends the other arguments as the query, POST as a JSON body.">
              {(props) => (
                <select {...props} value={method} onChange={(event) => setMethod(event.target.value)}>
                  <option>GET</option>
                  <option>POST</option>
                </select>
              )}
            </Field>
            <Field label="Timeout (ms)" hint="100 to 60000">
              {(props) => (
                <input
                  {...props}
                  type="number"
                  inputMode="numeric"
                  min={100}
                  max={60000}
                  step={1}
                  required
                  value={timeoutMs}
                  onChange={(event) => setTimeoutMs(event.target.value)}
                />
              )}
            </Field>
          </div>
          <fieldset>
            <legend>URL per environment</legend>
            <p className="hint">Optional: a run in that environment calls this URL instead.</p>
            <div className="form-grid">
              {environmentNames.map((environment) => (
                <Field key={environment} label={`URL in ${environment}`}>
                  {(props) => (
                    <input
                      {...props}
                      type="text"
                      inputMode="url"
                      pattern="https?://.+"
                      title="An http:// or https:// URL"
                      maxLength={2048}
                      value={urls[environment] ?? ''}
                      onChange={(event) => setUrls((current) => ({ ...current, [environment]: event.target.value }))}
                    />
                  )}
                </Field>
              ))}
            </div>
          </fieldset>
          <HeaderRows
            rows={headers}
            onChange={setHeaders}
            {...(tool
              ? {
                  stored: tool.headers ?? [],
                  replacing: replacingHeaders,
                  onReplacingChange: (replacing: boolean) => {
                    setReplacingHeaders(replacing);
                    if (replacing && headers.length === 0) setHeaders([{ name: '', value: '' }]);
                  },
                }
              : {})}
          />
        </>
      ) : null}
      {type === 'agent' ? (
        <div className="form-grid">
          {flowSelect('Flow', flowId, setFlowId)}
          <Field label="Max depth" hint="How deep agents may call agents below this one (1 to 5).">
            {(props) => (
              <input
                {...props}
                type="number"
                min={1}
                max={5}
                step={1}
                required
                value={maxDepth}
                onChange={(event) => setMaxDepth(event.target.value)}
              />
            )}
          </Field>
        </div>
      ) : null}
      {type === 'critique' ? (
        <div className="form-grid">
          {flowSelect('Producer flow', producerFlow, setProducerFlow)}
          {flowSelect('Critic flow', criticFlow, setCriticFlow)}
          <Field label="Max iterations" hint="1 to 10">
            {(props) => (
              <input
                {...props}
                type="number"
                min={1}
                max={10}
                step={1}
                required
                value={maxIterations}
                onChange={(event) => setMaxIterations(event.target.value)}
              />
            )}
          </Field>
        </div>
      ) : null}
      {type === 'mcp' ? (
        <p className="notice">
          From the MCP server's tool <code>{text(tool?.toolName)}</code>. Its server and input schema stay as imported.
        </p>
      ) : null}
      <JsonField
        label="Parameters (JSON Schema)"
        hint='The arguments the model gives, as a JSON Schema object, e.g. {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}.'
        value={parameters}
        onChange={setParameters}
        rows={8}
      />
      <ErrorMessage error={mutation.error} fields={FIELDS} />
      <div className="dialog-actions">
        <DialogClose>
          <button type="button" className="button">
            Cancel
          </button>
        </DialogClose>
        <button type="submit" className="button primary" disabled={mutation.isPending || 'error' in schema} aria-busy={mutation.isPending}>
          {tool ? 'Save tool' : 'Create tool'}
        </button>
      </div>
    </form>
  );
}
