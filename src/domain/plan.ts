// A plan an operator gives tenants (docs/operators.md): the models it allows, its cost and rate limits, how many
// requests may run at once, and the multipliers that turn a provider's cost into what the tenant is billed.
import type { Limits } from './limits.js';

export interface PlanTerms {
  id: string;
  name: string;
  /** Models or patterns the plan allows; null allows every model. */
  allowedModels: readonly string[] | null;
  limits: Limits;
  /** Requests of one tenant in flight at once; null: no cap. */
  maxConcurrentRequests: number | null;
  /** "provider/model" (or "*") → factor applied to the provider's cost; absent models bill at 1. */
  modelMultipliers: Readonly<Record<string, number>>;
}
