// The tenant's name and its limits.
import { type FormEvent, useEffect, useState } from 'react';
import { useTenant, useUpdateTenant } from '../../api/tenant';
import { ErrorMessage } from '../../components/error-message';
import { LimitsForm } from '../../components/limits-form';
import { SkeletonRows } from '../../components/skeleton';
import { useToast } from '../../components/toaster';
import { formatDate } from '../../format/format';
import { usePermissions } from '../../session/use-session';

export function LimitsSection() {
  const tenant = useTenant();
  const rename = useUpdateTenant();
  const saveLimits = useUpdateTenant();
  const notify = useToast();
  const { manageTenant } = usePermissions();
  const [name, setName] = useState('');
  useEffect(() => setName(tenant.data?.name ?? ''), [tenant.data?.name]);

  if (tenant.isPending) return <SkeletonRows rows={5} label="Loading the tenant" />;
  if (!tenant.data) return <ErrorMessage error={tenant.error} />;
  const submitName = (event: FormEvent) => {
    event.preventDefault();
    rename.mutate({ name: name.trim() }, { onSuccess: () => notify('Tenant renamed') });
  };

  return (
    <>
      <section className="card" aria-labelledby="tenant-title">
        <h2 id="tenant-title">Tenant</h2>
        <form onSubmit={submitName} className="stack">
          <div className="form-grid">
            <div className="field">
              <label htmlFor="tenant-name">Tenant name</label>
              <input
                id="tenant-name"
                required
                maxLength={64}
                readOnly={!manageTenant}
                value={name}
                onChange={(event) => setName(event.target.value)}
              />
            </div>
            <div className="field">
              <span className="hint">Id</span>
              <code>{tenant.data.id}</code>
              <span className="hint">
                Created {formatDate(tenant.data.createdAt)} · plan {tenant.data.plan}
              </span>
            </div>
          </div>
          <ErrorMessage error={rename.error} />
          {manageTenant ? (
            <div className="form-actions">
              <button type="submit" className="button" disabled={rename.isPending}>
                Save name
              </button>
            </div>
          ) : null}
        </form>
      </section>
      <section className="card" aria-labelledby="tenant-limits-title">
        <h2 id="tenant-limits-title">Tenant limits</h2>
        <p className="muted" style={{ marginBottom: '1rem' }}>
          Cover every request of the tenant, whatever key or customer it is for. Periods are UTC.
        </p>
        <LimitsForm
          idPrefix="tenant-limits"
          limits={tenant.data.limits}
          readOnly={!manageTenant}
          pending={saveLimits.isPending}
          error={saveLimits.error}
          onSave={(limits) => saveLimits.mutate({ limits }, { onSuccess: () => notify('Limits saved') })}
        />
      </section>
    </>
  );
}
