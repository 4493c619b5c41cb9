// Environments: production and development, and any the tenant adds.
import { type FormEvent, useState } from 'react';
import { useCreateEnvironment, useDeleteEnvironment, useEnvironments } from '../../api/settings';
import type { Environment } from '../../api/types';
import { ConfirmRemoval } from '../../components/confirm-removal';
import { ErrorMessage } from '../../components/error-message';
import { type Column, ResourceTable } from '../../components/resource-table';
import { useToast } from '../../components/toaster';
import { formatDate } from '../../format/format';
import { usePermissions } from '../../session/use-session';
import { ENVIRONMENT_NAME_PATTERN } from './name-patterns';

const COLUMNS: Array<Column<Environment>> = [
  {
    header: 'Name',
    rowHeader: true,
    cell: (env) => (
      <>
        {env.name} {env.builtIn ? <span className="badge">built in</span> : null}
      </>
    ),
  },
  { header: 'Created', cell: (env) => formatDate(env.createdAt) },
];

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
      <ResourceTable
        rows={environments.data?.data}
        rowKey={(env) => env.name}
        columns={COLUMNS}
        pending={environments.isPending}
        error={environments.error}
        loadingLabel="Loading environments"
        loadingRows={2}
        actions={
          manageTenant
            ? (env) =>
                env.builtIn ? null : (
                  <button type="button" className="button small danger-text" onClick={() => setDeleting(env)}>
                    Delete
                  </button>
                )
            : undefined
        }
      />
      {manageTenant ? (
        <form onSubmit={submit} className="form-actions" style={{ justifyContent: 'flex-start', alignItems: 'flex-end' }}>
          <div className="field">
            <label htmlFor="environment-name">New environment</label>
            <input
              id="environment-name"
              required
              pattern={ENVIRONMENT_NAME_PATTERN}
              title="Lower-case letters, digits and dashes, starting with a letter, e.g. staging"
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
      <ErrorMessage error={create.error} fields={{ name: 'New environment' }} />
      <ConfirmRemoval
        item={deleting}
        onClose={() => setDeleting(null)}
        removal={remove}
        title={`Delete the ${deleting?.name ?? ''} environment?`}
        description="Only an environment that no key, provider connection or routing rule uses can be deleted."
        onConfirm={(environment, done) =>
          remove.mutate(environment.name, { onSuccess: () => done(`Environment ${environment.name} deleted`) })
        }
      />
    </section>
  );
}
