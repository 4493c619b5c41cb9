// Tenants: every tenant of the server with its plan, this month's traffic and state; operators create, rename,
// re-plan, suspend, resume and delete them.
import { useState } from 'react';
import { useChangeTenant, useOperatedTenants, usePlans } from '../../api/operators';
import type { OperatedTenant } from '../../api/types';
import { type Column, ResourceTable } from '../../components/resource-table';
import { useToast } from '../../components/toaster';
import { formatInteger, formatUsd } from '../../format/format';
import { CreateTenantDialog } from './create-tenant-dialog';
import { DeleteTenantDialog } from './delete-tenant-dialog';
import { RenameTenantDialog } from './rename-tenant-dialog';
import { SuspendTenantDialog } from './suspend-tenant-dialog';

export function TenantsSection() {
  const tenants = useOperatedTenants();
  const plans = usePlans();
  const changePlan = useChangeTenant();
  const notify = useToast();
  const [creating, setCreating] = useState(false);
  const [renaming, setRenaming] = useState<OperatedTenant | null>(null);
  const [switching, setSwitching] = useState<OperatedTenant | null>(null);
  const [deleting, setDeleting] = useState<OperatedTenant | null>(null);
  const planList = plans.data?.data ?? [];

  const columns: Array<Column<OperatedTenant>> = [
    { header: 'Name', rowHeader: true, cell: (tenant) => tenant.name },
    {
      header: 'Plan',
      cell: (tenant) => (
        <select
          className="plan-select"
          aria-label={`Plan of ${tenant.name}`}
          disabled={plans.isPending}
          // The chosen plan shows at once, while the change is on its way.
          value={(changePlan.isPending && changePlan.variables?.id === tenant.id ? changePlan.variables.planId : tenant.planId) ?? ''}
          onChange={(event) => {
            const planId = event.target.value === '' ? null : event.target.value;
            const planName = planList.find((plan) => plan.id === planId)?.name;
            changePlan.mutate(
              { id: tenant.id, planId },
              { onSuccess: () => notify(planName ? `${tenant.name} is now on ${planName}` : `${tenant.name} has no plan`) },
            );
          }}
        >
          <option value="">No plan</option>
          {planList.map((plan) => (
            <option key={plan.id} value={plan.id}>
              {plan.name}
            </option>
          ))}
        </select>
      ),
    },
    { header: 'Requests this month', className: 'number', cell: (tenant) => formatInteger(tenant.month.requests) },
    { header: 'Spend this month', className: 'number', cell: (tenant) => formatUsd(tenant.month.costUsd) },
    {
      header: 'State',
      cell: (tenant) =>
        tenant.suspended ? <span className="badge danger">Suspended</span> : <span className="badge success">Active</span>,
    },
    { header: 'Owners', className: 'number', cell: (tenant) => formatInteger(tenant.owners) },
  ];

  return (
    <section className="card" aria-labelledby="operator-tenants-title">
      <div className="card-header">
        <div>
          <h2 id="operator-tenants-title">Tenants</h2>
          <p className="muted">Requests and spend are this calendar month's (UTC), at the providers' cost.</p>
        </div>
        <button type="button" className="button primary" onClick={() => setCreating(true)}>
          New tenant
        </button>
      </div>
      <ResourceTable
        label="Tenants"
        scrollLabel="Tenants, scrollable"
        rows={tenants.data?.data}
        rowKey={(tenant) => tenant.id}
        columns={columns}
        pending={tenants.isPending}
        error={tenants.error ?? plans.error ?? changePlan.error}
        loadingLabel="Loading tenants"
        actions={(tenant) => (
          <>
            <button type="button" className="button small" onClick={() => setRenaming(tenant)}>
              Rename
            </button>
            <button type="button" className="button small" onClick={() => setSwitching(tenant)}>
              {tenant.suspended ? 'Resume' : 'Suspend'}
            </button>
            <button type="button" className="button small danger-text" onClick={() => setDeleting(tenant)}>
              Delete
            </button>
          </>
        )}
      />
      <CreateTenantDialog open={creating} onOpenChange={setCreating} plans={planList} />
      <RenameTenantDialog tenant={renaming} onClose={() => setRenaming(null)} />
      <SuspendTenantDialog tenant={switching} onClose={() => setSwitching(null)} />
      <DeleteTenantDialog tenant={deleting} onClose={() => setDeleting(null)} />
    </section>
  );
}
