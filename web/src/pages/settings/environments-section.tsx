// Environments: production and development, and any the tenant adds.
import { type FormEvent, useState } from 'react';
import { useCreateEnvironment, useDeleteEnvironment, useEnvironments } from '../../api/settings';
import type { Environment } from '../../api/types';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { ErrorMessage } from '../../components/error-message';
import { SkeletonRows } from '../../components/skeleton';
import { useToast } from '../../components/toaster';
import { formatDate } from '../../format/format';
import { usePermissions } from '../../session/use-session';

export function EnvironmentsSection() {
  const environments = useEnvironments();
  const create = useCreateEnvironment();
  const remove = useDeleteEnvironment();
  const notify = useToast();
  const { manageTenant } = usePermissions();
  const [name, setName] = useState('');
  const [deleting, setDeleting] = useState<Environment | null>(null);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(name.trim(), {
      onSuccess: (env) => {
        notify(`Environment ${env.name} added`);
        setName('');
      },
    });
  };

  return (
    <section className="card" aria-labelledby="environments-title">
      <h2 id="environments-title">Environments</h2>
      <p className="muted" style={{ marginBottom: '1rem' }}>
        Each API key belongs to one environment; routing rules and your own provider connections are per environment.
      </p>
      <ErrorMessage error={environments.error} />
      {environments.isPending ? (
        <SkeletonRows rows={2} label="Loading environments" />
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Created</th>
                {manageTenant ? (
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody>
              {environments.data?.data.map((env) => (
                <tr key={env.name}>
                  <th scope="row">
                    {env.name} {env.builtIn ? <span className="badge">built in</span> : null}
                  </th>
                  <td>{formatDate(env.createdAt)}</td>
                  {manageTenant ? (
                    <td className="row-actions">
                      {env.builtIn ? null : (
                        <button type="button" className="button small danger-text" onClick={() => setDeleting(env)}>
                          Delete
                        </button>
                      )}
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {manageTenant ? (
        <form onSubmit={submit} className="form-actions" style={{ justifyContent: 'flex-start', alignItems: 'flex-end' }}>
          <div className="field">
            <label htmlFor="environment-name">New environment</label>
            <input
              id="environment-name"
              required
              pattern="[a-z][a-z0-9-]{0,31}"
              placeholder="staging"
              value={name}
              onChange={(event) => setName(event.target.value)}
            />
          </div>
          <button type="submit" className="button primary" disabled={create.isPending}>
            Add environment
          </button>
        </form>
      ) : null}
      <ErrorMessage error={create.error} />
      <ConfirmDialog
        open={deleting !== null}
        onOpenChange={(open) => {
          if (!open) {
            setDeleting(null);
            remove.reset();
          }
        }}
        title={`Delete the ${deleting?.name ?? ''} environment?`}
        description="Only an environment that no key, provider connection or routing rule uses can be deleted."
        confirmLabel="Delete"
        pending={remove.isPending}
        error={remove.error}
        onConfirm={() =>
          deleting &&
          remove.mutate(deleting.name, {
            onSuccess: () => {
              notify(`Environment ${deleting.name} deleted`);
              setDeleting(null);
            },
          })
        }
      />
    </section>
  );
}
