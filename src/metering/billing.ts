// What a tenant is billed for a call: the provider's cost scaled by its plan's multiplier for the model that served
// it ("provider/model", else "*", else 1). Usage events keep both; cost limits and the usage API count the billed cost.
import type { PlanTerms } from '../domain/plan.js';
import { snapshotBase } from './price-table.js';

/**
 * The multiplier of a model on a provider type (the price table's key: `openai/gpt-4o`), under a plan. No plan, or
 * a plan without multipliers: 1, decided without a lookup.
 */
export function multiplierOf(plan: PlanTerms | null, providerType: string, model: string): number {
  const multipliers = plan?.modelMultipliers;
  if (multipliers === undefined) return 1;
  const exact = multipliers[`${providerType}/${model}`];
  if (exact !== undefined) return exact;
  // Dated snapshots (gpt-4o-mini-2024-07-18) take their model's multiplier, as they take its price.
  const base = snapshotBase(model);
  const snapshot = base === model ? undefined : multipliers[`${providerType}/${base}`];
  return snapshot ?? multipliers['*'] ?? 1;
}

/** The billed cost in whole micro-dollars. */
export function billedMicros(costMicros: number, multiplier: number): number {
  return multiplier === 1 ? costMicros : Math.round(costMicros * multiplier);
}
