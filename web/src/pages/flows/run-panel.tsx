// "Run": a value for each parameter of the version that would run, an optional customer, the environment (and,
// to try one before activating it, a version); then the answer with its cost and latency.
import { type FormEvent, useState } from 'react';
import { type AwaitedRun, useRunFlow } from '../../api/flows';
import type { Flow, FlowVersion } from '../../api/types';
import { ErrorMessage } from '../../components/error-message';
import { Field } from '../../components/field';
import { RunResult } from './run-result';

interface RunPanelProps {
  flow: Flow;
  versions: FlowVersion[];
  environments: string[];
  canRun: boolean;
  onRan: (awaited: AwaitedRun) => void;
}

export function RunPanel({ flow, versions, environments, canRun, onRan }: RunPanelProps) {
  const run = useRunFlow(flow.slug);
  const [environment, setEnvironment] = useState('production');
  const [picked, setPicked] = useState('');
  const [values, setValues] = useState<Record<string, string>>({});
  const [customerId, setCustomerId] = useState('');
  const active = flow.environments[environment];
  const number = picked === '' ? active : Number(picked);
  const version = versions.find((candidate) => candidate.version === number);
  // A run starts at the main template; only its parameters need values.
  const parameters = version?.parameters.filter((parameter) => parameter.templates.includes('main')).map((p) => p.name) ?? [];

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const given = Object.fromEntries(
      parameters.filter((name) => (values[name] ?? '') !== '').map((name) => [name, values[name] as string]),
    );
    run.mutate(
      {
        parameters: given,
        environment,
        ...(picked === '' ? {} : { version: Number(picked) }),
        ...(customerId.trim() ? { customerId: customerId.trim() } : {}),
      },
      {
        onSuccess: (result) => onRan({ id: result.id, until: Date.now() + 10_000 }),
        onError: () => onRan({ id: null, until: Date.now() + 2_000 }),
      },
    );
  };

  return (
    <section className="card" aria-labelledby="run-title">
      <h2 id="run-title">Run</h2>
      {!canRun ? (
        <p className="muted">Viewers can't run flows: members, admins and owners can, here or with an API key.</p>
      ) : versions.length === 0 ? (
        <p className="muted">Save a version to run it.</p>
      ) : (
        <form onSubmit={submit} className="stack">
          <p className="muted">A real run through the gateway: it is metered, counts against limits and appears in the run log.</p>
          <div className="form-grid">
            <Field label="Environment">
              {(props) => (
                <select {...props} value={environment} onChange={(event) => setEnvironment(event.target.value)}>
                  {environments.map((name) => (
                    <option key={name} value={name}>
                      {name}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label="Version">
              {(props) => (
                <select {...props} value={picked} onChange={(event) => setPicked(event.target.value)}>
                  <option value="">
                    {active === undefined ? `Active in ${environment} (none)` : `Active in ${environment} (version ${active})`}
                  </option>
                  {[...versions].reverse().map((candidate) => (
                    <option key={candidate.version} value={candidate.version}>
                      Version {candidate.version}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label="Customer ID" hint="Optional: whose run it is, for their usage and limits.">
              {(props) => (
                <input
                  {...props}
                  maxLength={256}
                  placeholder="cust_42"
                  value={customerId}
                  onChange={(event) => setCustomerId(event.target.value)}
                />
              )}
            </Field>
          </div>
          {version === undefined ? (
            <p className="warning" role="status">
              No version is active in {environment}. Activate one, or pick a version to try.
            </p>
          ) : parameters.length === 0 ? (
            <p className="muted">Version {version.version} has no parameters.</p>
          ) : (
            <fieldset>
              <legend>Parameters of version {version.version}</legend>
              <div className="form-grid">
                {parameters.map((name) => (
                  <Field key={name} label={name}>
                    {(props) => (
                      <input
                        {...props}
                        value={values[name] ?? ''}
                        onChange={(event) => setValues((current) => ({ ...current, [name]: event.target.value }))}
                      />
                    )}
                  </Field>
                ))}
              </div>
            </fieldset>
          )}
          <ErrorMessage error={run.error} />
          <div className="form-actions">
            <button type="submit" className="button primary" disabled={run.isPending || version === undefined} aria-busy={run.isPending}>
              Run
            </button>
          </div>
          {run.data ? <RunResult result={run.data} /> : null}
        </form>
      )}
    </section>
  );
}
