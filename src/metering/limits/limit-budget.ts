// A cost budget as the limit gate reserves against it: whose limit (scope and id), which period and bucket, and the
// label messages name it by. Alerts are sent about these, so both the gate and the alerts read this shape.
import type { CostPeriod } from '../../domain/limits.js';
import type { SpendScope } from '../../store/repositories/usage-queries.js';
import type { BudgetCheck } from './spend-ledger.js';

export interface LimitBudget extends BudgetCheck {
  scope: SpendScope;
  scopeId: string;
  period: CostPeriod;
  bucket: string;
  label: string;
}
