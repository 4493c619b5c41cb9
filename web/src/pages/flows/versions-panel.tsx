// The versions of a flow, newest first: what each says, where it is active, and (for admins) activating it in an
// environment.
import { type FormEvent, useState } from 'react';
import { useActivateVersion } from '../../api/flows';
import type { Flow, FlowVersion } from '../../api/types';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { EmptyState } from '../../components/empty-state';
import { ErrorMessage } from '../../components/error-message';
import { useToast } from '../../components/toaster';
import { formatDateTime } from '../../format/format';

const PRODUCTION = 'production';

interface Activation {
  version: number;
  environment: string;
}

interface VersionsPanelProps {
  flow: Flow;
  versions: FlowVersion[];
  environments: string[];
  canManage: boolean;
}

export function VersionsPanel({ flow, versions, environments, canManage }: VersionsPanelProps) {
  const activate = useActivateVersion(flow.slug);
  const notify = useToast();
  const activeIn = (version: number) =>
    Object.entries(flow.environments)
      .filter(([, active]) => active === version)
      .map(([environment]) => environment)
      .sort();

  const [confirming, setConfirming] = useState<Activation | null>(null);
  const run = ({ version, environment }: Activation) =>
    activate.mutate(
      { version, environment },
      {
        onSuccess: () => {
          setConfirming(null);
          notify(`Version ${version} is active in ${environment}`);
        },
      },
    );
  // Production serves real traffic at once, so it is confirmed like "Promote"; other environments switch directly.
  const onActivate = (version: number, environment: string) =>
    environment === PRODUCTION ? setConfirming({ version, environment }) : run({ version, environment });
  const current = flow.environments[PRODUCTION];

  return (
    <section className="card" aria-labelledby="versions-title">
      <h2 id="versions-title">Versions</h2>
      <p className="muted" style={{ marginBottom: '1rem' }}>
        Versions never change: a change is a new version. Each environment runs the version activated for it.
      </p>
      {confirming ? null : <ErrorMessage error={activate.error} />}
      {versions.length === 0 ? (
        <EmptyState title="No versions yet">
          {canManage
            ? 'Write the first version with "New version": a system prompt, a user message and a model.'
            : 'An owner or admin writes the first version.'}
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="card-rows">
            <thead>
              <tr>
                <th scope="col">Version</th>
                <th scope="col">Description</th>
                <th scope="col">Model</th>
                <th scope="col">Parameters</th>
                <th scope="col">Created</th>
                <th scope="col">Active in</th>
                {canManage ? <th scope="col">Activate</th> : null}
              </tr>
            </thead>
            <tbody>
              {[...versions].reverse().map((version) => (
                <tr key={version.version}>
                  <th scope="row" id={`version-${version.version}`} className="nowrap">
                    Version {version.version}
                  </th>
                  <td data-label="Description" className="wrap narrow">
                    {version.description ?? <span className="muted">—</span>}
                  </td>
                  <td data-label="Model">
                    <code>{version.templates.main?.llm}</code>
                  </td>
                  <td data-label="Parameters" className="wrap narrow">
                    {version.parameters.length === 0 ? (
                      <span className="muted">None</span>
                    ) : (
                      version.parameters.map((parameter) => parameter.name).join(', ')
                    )}
                  </td>
                  <td data-label="Created">{formatDateTime(version.createdAt)}</td>
                  <td data-label="Active in">
                    {activeIn(version.version).length === 0 ? (
                      <span className="muted">—</span>
                    ) : (
                      <span className="badges">
                        {activeIn(version.version).map((environment) => (
                          <span key={environment} className="badge success">
                            {environment}
                          </span>
                        ))}
                      </span>
                    )}
                  </td>
                  {canManage ? (
                    <td data-label="Activate">
                      <ActivateForm
                        version={version.version}
                        environments={environments}
                        active={activeIn(version.version)}
                        pending={activate.isPending}
                        onActivate={onActivate}
                      />
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <ConfirmDialog
        open={confirming !== null}
        onOpenChange={(open) => {
          if (open) return;
          setConfirming(null);
          activate.reset();
        }}
        title={`Activate version ${confirming?.version ?? ''} in production?`}
        description={
          <p>
            Production will run version {confirming?.version} of {flow.title} at once
            {current === undefined || current === null ? ' (no version is active there now).' : `, instead of version ${current}.`}
          </p>
        }
        confirmLabel="Activate"
        destructive={false}
        pending={activate.isPending}
        error={activate.error}
        onConfirm={() => (confirming ? run(confirming) : undefined)}
      />
    </section>
  );
}

interface ActivateFormProps {
  version: number;
  environments: string[];
  active: string[];
  pending: boolean;
  onActivate: (version: number, environment: string) => void;
}

function ActivateForm({ version, environments, active, pending, onActivate }: ActivateFormProps) {
  const [environment, setEnvironment] = useState(environments.find((name) => !active.includes(name)) ?? environments[0] ?? '');
  const id = `activate-${version}-environment`;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onActivate(version, environment);
  };
  return (
    <form className="inline-form" onSubmit={submit}>
      <label htmlFor={id} className="visually-hidden">
        Environment
      </label>
      <select id={id} value={environment} onChange={(event) => setEnvironment(event.target.value)}>
        {environments.map((name) => (
          <option key={name} value={name}>
            {name}
          </option>
        ))}
      </select>
      <button
        type="submit"
        className="button small"
        aria-describedby={`version-${version}`}
        disabled={pending || active.includes(environment)}
        title={active.includes(environment) ? `Already active in ${environment}` : undefined}
      >
        Activate
      </button>
    </form>
  );
}
