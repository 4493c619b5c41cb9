// "Test tool …": call a tool once with arguments typed as JSON (started from its schema), and read what a run's
// model would read: the result, whether it succeeded, how long it took and whether it was cut.
import { type FormEvent, useState } from 'react';
import { useEnvironments } from '../../api/settings';
import { useTestTool } from '../../api/tools';
import type { Tool } from '../../api/types';
import { Dialog, DialogClose } from '../../components/dialog';
import { ErrorMessage } from '../../components/error-message';
import { Field } from '../../components/field';
import { formatMs } from '../../format/format';
import { JsonField, parseJsonObject } from './json-field';

/** Example arguments from a tool's schema, as mock/tools makes them: the first enum value, "x" for strings, 1 for numbers. */
export function exampleArguments(schema: Record<string, unknown>): Record<string, unknown> {
  const properties = schema.properties;
  if (!properties || typeof properties !== 'object') return {};
  const example: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(properties as Record<string, unknown>)) {
    const property = (raw ?? {}) as { enum?: unknown[]; type?: unknown };
    if (Array.isArray(property.enum) && property.enum.length > 0) example[name] = property.enum[0];
    else if (property.type === 'number' || property.type === 'integer') example[name] = 1;
    else if (property.type === 'boolean') example[name] = true;
    else if (property.type === 'object') example[name] = {};
    else if (property.type === 'array') example[name] = [];
    else example[name] = 'x';
  }
  return example;
}

export function TestToolDialog({ tool, onClose }: { tool: Tool | null; onClose: () => void }) {
  return (
    <Dialog
      open={tool !== null}
      onOpenChange={(open) => (open ? undefined : onClose())}
      wide
      title={`Test tool ${tool?.name ?? ''}`}
      description="Calls the tool once, as a run would, with these arguments."
    >
      {tool ? <TestForm key={tool.id} tool={tool} /> : null}
    </Dialog>
  );
}

function TestForm({ tool }: { tool: Tool }) {
  const test = useTestTool();
  const environments = useEnvironments();
  const [args, setArgs] = useState(() => JSON.stringify(exampleArguments(tool.parameters), null, 2));
  const [environment, setEnvironment] = useState('production');
  // Agents and critique loops run flows: the versions active in an environment.
  const runsFlows = tool.type === 'agent' || tool.type === 'critique';
  const parsed = parseJsonObject(args);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if ('value' in parsed) test.mutate({ id: tool.id, args: parsed.value, ...(runsFlows ? { environment } : {}) });
  };
  const result = test.data;
  return (
    <form onSubmit={submit} className="stack">
      <JsonField label="Arguments (JSON)" hint="A JSON object, as the model would give it." value={args} onChange={setArgs} rows={5} />
      {runsFlows ? (
        <Field label="Environment" hint="The flows run their versions active here; the test is metered like a run.">
          {(props) => (
            <select {...props} value={environment} onChange={(event) => setEnvironment(event.target.value)}>
              {(environments.data?.data ?? [{ name: 'production' }, { name: 'development' }]).map((env) => (
                <option key={env.name}>{env.name}</option>
              ))}
            </select>
          )}
        </Field>
      ) : null}
      <ErrorMessage error={test.error} />
      {result ? (
        <section className="run-result" aria-labelledby="tool-test-result-title" aria-live="polite">
          <h3 id="tool-test-result-title">Test result</h3>
          <dl className="key-facts">
            <div>
              <dt>Status</dt>
              <dd>
                {result.status === 'succeeded' ? (
                  <span className="badge success">Succeeded</span>
                ) : (
                  <span className="badge danger">Failed</span>
                )}
              </dd>
            </div>
            <div>
              <dt>Latency</dt>
              <dd>{formatMs(result.latencyMs)}</dd>
            </div>
          </dl>
          <h4 className="response-title">Result{result.truncated ? ' (truncated)' : ''}</h4>
          <pre className="run-response">{result.result}</pre>
        </section>
      ) : null}
      <div className="dialog-actions">
        <DialogClose>
          <button type="button" className="button">
            Close
          </button>
        </DialogClose>
        <button type="submit" className="button primary" disabled={test.isPending || 'error' in parsed} aria-busy={test.isPending}>
          Run test
        </button>
      </div>
    </form>
  );
}
