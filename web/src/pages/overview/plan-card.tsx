// The plan the server's operators gave this tenant and what it allows, when it has one (docs/operators.md).
import { useTenant } from '../../api/tenant';
import { formatInteger } from '../../format/format';
import { limitsSummary } from '../../format/limits';

export function PlanCard() {
  const tenant = useTenant();
  const plan = tenant.data?.planTerms;
  if (!tenant.data || !plan) return null;
  return (
    <section className="card" aria-labelledby="overview-plan-title">
      <h2 id="overview-plan-title">Plan</h2>
      <dl className="key-facts">
        <div>
          <dt>Plan</dt>
          <dd>{plan.name}</dd>
        </div>
        <div>
          <dt>Allowed models</dt>
          <dd>{plan.allowedModels === null ? 'Every model' : plan.allowedModels.join(', ') || 'None'}</dd>
        </div>
        <div className="key-fact-wide">
          <dt>Limits in force</dt>
          <dd>{limitsSummary(tenant.data.effectiveLimits)}</dd>
        </div>
        <div>
          <dt>Max concurrent requests</dt>
          <dd>{plan.maxConcurrentRequests === null ? 'No cap' : formatInteger(plan.maxConcurrentRequests)}</dd>
        </div>
      </dl>
      <p className="hint">Limits in force are the stricter of the plan's and the tenant's own. The server's operators change the plan.</p>
    </section>
  );
}
