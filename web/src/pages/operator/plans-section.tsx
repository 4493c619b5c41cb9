// Plans: what a tenant on each may do (models, limits, concurrency) and what it is billed; operators create, edit and
// delete them. One still given to a tenant can't be deleted (409 plan_in_use, shown as the API says it).
import { useState } from 'react';
import { useDeletePlan, usePlans } from '../../api/operators';
import type { Plan } from '../../api/types';
import { ConfirmRemoval } from '../../components/confirm-removal';
import { EmptyState } from '../../components/empty-state';
import { type Column, ResourceTable } from '../../components/resource-table';
import { formatInteger } from '../../format/format';
import { limitsSummary } from '../../format/limits';
import { PlanDialog } from './plan-dialog';

const COLUMNS: Array<Column<Plan>> = [
  { header: 'Name', rowHeader: true, cell: (plan) => plan.name },
  {
    header: 'Allowed models',
    className: 'wrap narrow',
    cell: (plan) => (plan.allowedModels === null ? 'Every model' : plan.allowedModels.join(', ') || 'None'),
  },
  { header: 'Limits', className: 'wrap narrow', cell: (plan) => limitsSummary(plan.limits) },
  {
    header: 'Max concurrent requests',
    className: 'number',
    cell: (plan) => (plan.maxConcurrentRequests === null ? 'No cap' : formatInteger(plan.maxConcurrentRequests)),
  },
  {
    header: 'Model multipliers',
    className: 'wrap narrow',
    cell: (plan) => {
      const entries = Object.entries(plan.modelMultipliers);
      return entries.length > 0 ? entries.map(([model, factor]) => `${model} × ${factor}`).join(', ') : 'None';
    },
  },
];

export function PlansSection() {
  const plans = usePlans();
  const remove = useDeletePlan();
  const [editing, setEditing] = useState<{ plan: Plan | null } | null>(null);
  const [deleting, setDeleting] = useState<Plan | null>(null);
  const newPlan = (
    <button type="button" className="button primary" onClick={() => setEditing({ plan: null })}>
      New plan
    </button>
  );

  return (
    <section className="card" aria-labelledby="operator-plans-title">
      <div className="card-header">
        <div>
          <h2 id="operator-plans-title">Plans</h2>
          <p className="muted">A tenant on a plan gets the stricter of its plan's limits and its own, and only the models both allow.</p>
        </div>
        {newPlan}
      </div>
      <ResourceTable
        label="Plans"
        scrollLabel="Plans, scrollable"
        rows={plans.data?.data}
        rowKey={(plan) => plan.id}
        columns={COLUMNS}
        pending={plans.isPending}
        error={plans.error}
        loadingLabel="Loading plans"
        empty={<EmptyState title="No plans yet">Tenants without a plan are bound only by their own limits.</EmptyState>}
        actions={(plan) => (
          <>
            <button type="button" className="button small" onClick={() => setEditing({ plan })}>
              Edit
            </button>
            <button type="button" className="button small danger-text" onClick={() => setDeleting(plan)}>
              Delete
            </button>
          </>
        )}
      />
      <PlanDialog open={editing !== null} plan={editing?.plan ?? null} onClose={() => setEditing(null)} />
      <ConfirmRemoval
        item={deleting}
        onClose={() => setDeleting(null)}
        removal={remove}
        title={`Delete "${deleting?.name ?? ''}"?`}
        description="The plan goes. A plan some tenant is still on can't be deleted: give them another plan, or none, first."
        onConfirm={(plan, done) => remove.mutate(plan.id, { onSuccess: () => done(`Plan "${plan.name}" deleted`) })}
      />
    </section>
  );
}
