// holdConcurrencySlots(): a request whose tenant (or its plan), key or customer caps the requests in flight at once
// takes a slot in each before anything else is done for it, and gives them back when its response closes — success,
// error or client gone, streams included. Full: 429 concurrency_limit_exceeded with Retry-After: 1.
import { andThen, isPromise, type MaybePromise } from '../../domain/maybe-promise.js';
import { RateLimitError } from '../../errors/shuttle-error.js';
import type { SpendScope } from '../../store/repositories/usage-queries.js';
import type { GatewayMetrics } from '../metrics.js';
import type { ConcurrencyLimiter, SlotCheck, SlotDecision, SlotLease } from './concurrency-limiter.js';

export interface ConcurrencySubject {
  scope: SpendScope;
  id: string;
  /** How messages name it: 'this tenant', "this tenant's plan", 'key "ci"', 'customer "acme-42"'. */
  label: string;
  limit: number;
}

/** What holding slots needs to know of a request: plain values, so that the gate knows nothing of HTTP. */
export interface ConcurrencyParties {
  tenantId: string;
  tenantLimit: number | null;
  planLimit: number | null;
  key: { id: string; name: string; limit: number | null } | null;
  customer: { id: string; externalId: string; limit: number | null } | null;
}

/** The subjects whose limit applies; null when none does (the usual case, decided with a few comparisons). */
export function concurrencySubjects(parties: ConcurrencyParties): ConcurrencySubject[] | null {
  const { tenantLimit, planLimit, key, customer } = parties;
  if (tenantLimit === null && planLimit === null && (key === null || key.limit === null) && (customer === null || customer.limit === null))
    return null;
  const subjects: ConcurrencySubject[] = [];
  // One counter for the tenant: its own limit and its plan's are two caps on the same requests, the stricter binds.
  if (tenantLimit !== null || planLimit !== null) {
    const byPlan = planLimit !== null && (tenantLimit === null || planLimit < tenantLimit);
    subjects.push({
      scope: 'tenant',
      id: parties.tenantId,
      label: byPlan ? 'this tenant’s plan' : 'this tenant',
      limit: byPlan ? planLimit : (tenantLimit as number),
    });
  }
  if (key !== null && key.limit !== null) subjects.push({ scope: 'key', id: key.id, label: `key "${key.name}"`, limit: key.limit });
  if (customer !== null && customer.limit !== null)
    subjects.push({ scope: 'customer', id: customer.id, label: `customer "${customer.externalId}"`, limit: customer.limit });
  return subjects;
}

/** Gives the slots back; safe to call more than once (only the first call counts). */
export type SlotRelease = () => void;

export class ConcurrencyGate {
  constructor(
    private readonly limiter: ConcurrencyLimiter,
    private readonly metrics: GatewayMetrics,
    private readonly onReleaseFailure: (error: unknown) => void,
  ) {}

  /** Takes a slot for every subject, or refuses the request (a thrown or rejected 429). */
  hold(subjects: readonly ConcurrencySubject[]): MaybePromise<SlotRelease> {
    const checks: SlotCheck[] = subjects.map((subject) => ({ key: `${subject.scope}:${subject.id}`, limit: subject.limit }));
    return andThen(this.limiter.acquire(checks), (decision) => this.decided(subjects, decision));
  }

  private decided(subjects: readonly ConcurrencySubject[], decision: SlotDecision): SlotRelease {
    if (!decision.acquired) {
      const subject = subjects[decision.refused] as ConcurrencySubject;
      this.metrics.observeLimitRefusal('concurrency', subject.scope);
      throw new RateLimitError('concurrency_limit_exceeded', {
        message: `Too many requests in flight on ${subject.label}: limit ${subject.limit} at once. Retry when one of them has ended.`,
        headers: { 'retry-after': '1' },
      });
    }
    return this.releaser(decision.lease);
  }

  private releaser(lease: SlotLease): SlotRelease {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      try {
        const done = this.limiter.release(lease);
        if (isPromise(done)) done.catch(this.onReleaseFailure);
      } catch (error) {
        this.onReleaseFailure(error);
      }
    };
  }
}
