// enforceLimits(): before anything goes upstream, checks the rate limits (requests and tokens per minute) and
// reserves the request's maximum cost against every cost limit of its tenant, key and customer. Refusals are
// 429 (with Retry-After and OpenAI's x-ratelimit-* headers) and 402 cost_limit_exceeded. After the response, the
// admission settles: actual tokens replace the estimate, actual cost replaces the reservation, alerts fire.
import type { Logger } from 'pino';
import { COST_PERIODS, type CostPeriod, type Limits } from '../../domain/limits.js';
import { andThen, isPromise, type MaybePromise } from '../../domain/maybe-promise.js';
import { RateLimitError, ShuttleError } from '../../errors/shuttle-error.js';
import type { Db } from '../../store/database.js';
import { type SpendScope, spentMicros } from '../../store/repositories/usage-queries.js';
import { DAY_MS } from '../../store/repositories/usage-rollups.js';
import type { AlertSettings } from '../alert-settings.js';
import type { GatewayMetrics } from '../metrics.js';
import { formatUsd } from '../price-table.js';
import type { ModelPrice } from '../prices.js';
import type { LimitAlerts } from './limit-alerts.js';
import type { LimitBudget } from './limit-budget.js';
import { periodBucket } from './periods.js';
import { addRateLimitHeaders, formatDuration, rateLimitHeaders } from './rate-limit-headers.js';
import type { RateCheck, RateDecision, RateLimiter, RateState } from './rate-limiter.js';
import type { BudgetDecision, Refusal, Reservation, Settlement, SpendLedger } from './spend-ledger.js';

export interface LimitSubject {
  scope: SpendScope;
  id: string;
  /** The key's name or the customer's external id; null for the tenant. Messages name the subject by it. */
  name: string | null;
  limits: Limits;
}

/** How messages name a subject: "this tenant", 'key "ci"', 'customer "acme-42"'. */
export function subjectLabel(subject: Pick<LimitSubject, 'scope' | 'name'>): string {
  return subject.scope === 'tenant' ? 'this tenant' : `${subject.scope} "${subject.name}"`;
}

export interface AdmissionRequest {
  tenantId: string;
  alerts: AlertSettings;
  subjects: readonly LimitSubject[];
  /** An upper bound on the prompt's tokens, cheap to compute (docs/customers-and-limits.md). */
  estimatedPromptTokens: number;
  /**
   * A tighter upper bound (a tokenizer's count), asked for only when the cheap one would be refused: the request is
   * then admitted or refused on it instead.
   */
  tighterPromptTokens?: () => Promise<number>;
  maxCompletionTokens: number;
  /** The dearest price among the targets the request may be sent to; undefined when unpriced. */
  maxPrice: ModelPrice | undefined;
}

export interface Admission {
  /** x-ratelimit-* headers for the response. */
  headers: Record<string, string>;
  /** Whether a cost limit applies: the request's maximum cost is reserved, so its completion must be capped. */
  costLimited: boolean;
  /**
   * Replaces the estimates with what the call really used. Only the first call counts. Done at once in memory (no
   * promise), else a promise of it.
   */
  settle(actualCostMicros: number, actualTokens: number): MaybePromise<void>;
}

const UNLIMITED: Admission = Object.freeze({ headers: {}, costLimited: false, settle: () => undefined });

/** A refusal that a tighter prompt count may yet turn into an admission; its metric is counted only once final. */
class Refused {
  constructor(
    readonly error: ShuttleError,
    readonly kind: 'cost' | 'requests' | 'tokens',
    readonly scope: SpendScope,
    /** The requests-per-minute counts a cost refusal took, given back when the request is tried again. */
    readonly requestChecks: readonly RateCheck[] = [],
  ) {}
}

/** The counters and budgets a request is admitted against. */
interface AdmissionChecks {
  /** The requests-per-minute counters, then the tokens-per-minute ones. */
  rates: RateCheck[];
  tokens: RateCheck[];
  budgets: LimitBudget[];
  /** How many of `rates` count requests. */
  requestCount: number;
  estimatedTokens: number;
}

const PERIOD_WORDS: Record<CostPeriod, string> = { day: 'daily', month: 'monthly', total: 'total' };

interface SubjectChecks {
  tenantId: string;
  scope: SpendScope;
  id: string;
  name: string | null;
  /** The UTC day the budgets' period buckets were computed for. */
  day: number;
  requestsKey: string | null;
  tokensKey: string | null;
  budgets: readonly LimitBudget[];
}

export class LimitGate {
  private readonly subjectChecks = new WeakMap<Limits, SubjectChecks>();

  constructor(
    private readonly db: Db,
    private readonly rates: RateLimiter,
    private readonly ledger: SpendLedger,
    private readonly alerts: LimitAlerts,
    private readonly metrics: GatewayMetrics,
    private readonly logger: Logger,
  ) {}

  /**
   * Admits the request or refuses it (a rejected promise: 429 or 402). In memory, with every counter loaded, the
   * admission is returned as it is, with no promise and no turn of the microtask queue; counters in Redis, or a budget
   * whose spend must first be read from the database, make it a promise.
   */
  admit(request: AdmissionRequest): MaybePromise<Admission> {
    if (request.subjects.length === 0) return UNLIMITED;
    const first = this.attempt(request);
    if (!isPromise(first)) return first;
    return first.catch(async (refusal: unknown) => {
      if (!(refusal instanceof Refused)) throw refusal;
      const { tighterPromptTokens } = request;
      if (tighterPromptTokens === undefined || refusal.kind === 'requests') throw this.final(refusal);
      const tighter = await tighterPromptTokens();
      if (tighter >= request.estimatedPromptTokens) throw this.final(refusal);
      await Promise.all(refusal.requestChecks.map((check) => this.rates.adjust(check.key, -check.cost)));
      const { tighterPromptTokens: _, ...rest } = request;
      const second = this.attempt({ ...rest, estimatedPromptTokens: tighter });
      return Promise.resolve(second).catch((again: unknown) => {
        throw again instanceof Refused ? this.final(again) : again;
      });
    });
  }

  private final(refusal: Refused): ShuttleError {
    this.metrics.observeLimitRefusal(refusal.kind, refusal.scope);
    return refusal.error;
  }

  private attempt(request: AdmissionRequest): MaybePromise<Admission> {
    const checks = this.checksFor(request);
    const rate = this.rates.consume(checks.rates);
    return andThen(rate, (decided) => this.afterRates(request, checks, decided));
  }

  private checksFor(request: AdmissionRequest): AdmissionChecks {
    const estimatedTokens = request.estimatedPromptTokens + request.maxCompletionTokens;
    // Request counters first, then token counters: the headers and refusals tell them apart by position.
    const rates: RateCheck[] = [];
    const tokens: RateCheck[] = [];
    const budgets: LimitBudget[] = [];
    const now = Date.now();
    for (const subject of request.subjects) {
      const checks = this.checksOf(request.tenantId, subject, now);
      if (checks.requestsKey !== null) rates.push({ key: checks.requestsKey, limit: subject.limits.requestsPerMinute as number, cost: 1 });
      if (checks.tokensKey !== null)
        tokens.push({ key: checks.tokensKey, limit: subject.limits.tokensPerMinute as number, cost: estimatedTokens });
      for (const budget of checks.budgets) budgets.push(budget);
    }
    const requestCount = rates.length;
    for (const check of tokens) rates.push(check);
    return { rates, tokens, budgets, requestCount, estimatedTokens };
  }

  private afterRates(request: AdmissionRequest, checks: AdmissionChecks, rate: RateDecision): MaybePromise<Admission> {
    if (!rate.allowed)
      return Promise.reject(this.rateRefusal(rate.refused, request.subjects, checks.requestCount, checks.rates, checks.estimatedTokens));
    const headers: Record<string, string> = {};
    addRateLimitHeaders(headers, 'requests', rate.states, 0, checks.requestCount);
    addRateLimitHeaders(headers, 'tokens', rate.states, checks.requestCount, rate.states.length);
    if (checks.budgets.length === 0) return this.admitted(request, checks, headers, undefined);
    const estimateMicros = estimateCost(request);
    const decision = this.ledger.reserve(checks.budgets, estimateMicros);
    return andThen(decision, (decided) => this.afterBudgets(request, checks, headers, estimateMicros, decided));
  }

  private afterBudgets(
    request: AdmissionRequest,
    checks: AdmissionChecks,
    headers: Record<string, string>,
    estimateMicros: number,
    decision: BudgetDecision,
  ): MaybePromise<Admission> {
    if (decision.allowed) return this.admitted(request, checks, headers, decision.reservation);
    return this.costRefusal(checks, headers, estimateMicros, decision.refused);
  }

  /** Gives back the tokens taken for the request, then refuses it. */
  private async costRefusal(
    checks: AdmissionChecks,
    headers: Record<string, string>,
    estimateMicros: number,
    refused: Refusal,
  ): Promise<never> {
    await Promise.all(checks.tokens.map((check) => this.rates.adjust(check.key, -check.cost)));
    const budget = checks.budgets.find((b) => b.key === refused.key) as LimitBudget;
    const error = new ShuttleError('cost_limit_exceeded', {
      message:
        `The ${PERIOD_WORDS[budget.period]} cost limit of ${budget.label} (${formatUsd(budget.limitMicros)}) has been reached: ` +
        `${formatUsd(refused.spentMicros)} spent, ${formatUsd(refused.reservedMicros)} held by requests in flight, ` +
        `and this request could cost up to ${formatUsd(estimateMicros)}.`,
      headers,
    });
    throw new Refused(error, 'cost', budget.scope, checks.rates.slice(0, checks.requestCount));
  }

  private admitted(
    request: AdmissionRequest,
    checks: AdmissionChecks,
    headers: Record<string, string>,
    reservation: Reservation | undefined,
  ): Admission {
    let settled = false;
    const renewal = reservation ? this.keepHeld(reservation) : undefined;
    return {
      headers,
      costLimited: reservation !== undefined,
      settle: (actualCostMicros, actualTokens) => {
        if (settled) return undefined;
        settled = true;
        if (renewal !== undefined) clearInterval(renewal);
        try {
          return this.settle(request, checks.tokens, reservation, actualCostMicros, actualTokens);
        } catch (error) {
          return Promise.reject(error);
        }
      },
    };
  }

  /** Renews a reservation for as long as its call runs (a stream may outlast the time a lost reservation is held). */
  private keepHeld(reservation: Reservation): NodeJS.Timeout | undefined {
    const every = this.ledger.renewEveryMs;
    if (every === null) return undefined;
    const timer = setInterval(() => {
      const renewed = this.ledger.renew(reservation);
      if (isPromise(renewed)) renewed.catch((error: unknown) => this.logger.error({ err: error }, 'cost reservation not renewed'));
    }, every);
    timer.unref();
    return timer;
  }

  /** Corrects the token counters and replaces the reservation with the actual cost; a promise only if one was needed. */
  private settle(
    request: AdmissionRequest,
    tokens: readonly RateCheck[],
    reservation: Reservation | undefined,
    actualCostMicros: number,
    actualTokens: number,
  ): MaybePromise<void> {
    const pending: Array<Promise<unknown>> = [];
    for (const check of tokens) {
      const corrected = this.rates.adjust(check.key, actualTokens - check.cost);
      if (isPromise(corrected)) pending.push(corrected);
    }
    if (reservation) {
      const settlements = this.ledger.settle(reservation, actualCostMicros);
      const alerted = andThen(settlements, (done) => this.alertCrossings(request, done));
      if (isPromise(alerted)) pending.push(alerted);
    }
    return pending.length === 0 ? undefined : Promise.all(pending).then(() => undefined);
  }

  private alertCrossings(request: AdmissionRequest, settlements: readonly Settlement[]): void {
    for (const { check, beforeMicros, afterMicros } of settlements) {
      const budget = check as LimitBudget;
      for (const threshold of this.alerts.crossings(request.alerts, budget, beforeMicros, afterMicros)) {
        void this.alerts
          .notify(request.alerts, { tenantId: request.tenantId, budget, threshold, spentMicros: afterMicros })
          .catch((error: unknown) => this.logger.error({ err: error }, 'limit alert failed'));
      }
    }
  }

  /**
   * A subject's counter keys and budgets, built once per subject and UTC day rather than per request. Keyed by the
   * subject's `limits` object, which belongs to one cached tenant, key or customer and is replaced, never changed,
   * when its limits are edited; the other fields are compared in case two subjects ever share one.
   */
  private checksOf(tenantId: string, subject: LimitSubject, now: number): SubjectChecks {
    const day = Math.floor(now / DAY_MS);
    const cached = this.subjectChecks.get(subject.limits);
    if (
      cached !== undefined &&
      cached.day === day &&
      cached.id === subject.id &&
      cached.scope === subject.scope &&
      cached.tenantId === tenantId &&
      cached.name === subject.name
    ) {
      return cached;
    }
    const { limits } = subject;
    const label = subjectLabel(subject);
    const checks: SubjectChecks = {
      tenantId,
      scope: subject.scope,
      id: subject.id,
      name: subject.name,
      day,
      requestsKey: limits.requestsPerMinute === null ? null : `${subject.scope}:${subject.id}:rpm`,
      tokensKey: limits.tokensPerMinute === null ? null : `${subject.scope}:${subject.id}:tpm`,
      budgets: COST_PERIODS.flatMap((period) => {
        const limitUsd = limits.costUsd[period];
        return limitUsd === null ? [] : [this.budget(tenantId, subject, label, period, limitUsd, now)];
      }),
    };
    this.subjectChecks.set(limits, checks);
    return checks;
  }

  private budget(tenantId: string, subject: LimitSubject, label: string, period: CostPeriod, limitUsd: number, now: number): LimitBudget {
    const bucket = periodBucket(period, now);
    return Object.freeze({
      key: `${tenantId}:${subject.scope}:${subject.id}:${period}:${bucket.bucket}`,
      limitMicros: Math.round(limitUsd * 1_000_000),
      ttlMs: bucket.ttlMs,
      load: () => spentMicros(this.db, tenantId, subject.scope, subject.id, bucket.fromDay, bucket.toDay),
      scope: subject.scope,
      scopeId: subject.id,
      period,
      bucket: bucket.bucket,
      label,
    });
  }

  private rateRefusal(
    refused: RateState,
    subjects: readonly LimitSubject[],
    requestCount: number,
    checks: readonly RateCheck[],
    estimatedTokens: number,
  ): Refused {
    const isRequests = checks.slice(0, requestCount).some((check) => check.key === refused.key);
    const subject = subjects.find((s) => refused.key.startsWith(`${s.scope}:${s.id}:`));
    const label = subject ? subjectLabel(subject) : 'this tenant';
    const retryAfter = Math.max(1, Math.ceil(refused.retryAfterMs / 1000));
    const what = isRequests ? 'requests per minute' : 'tokens per minute';
    const tooBig = !isRequests && estimatedTokens > refused.limit;
    const error = new RateLimitError('rate_limit_exceeded', {
      message: tooBig
        ? `This request alone may use ${estimatedTokens} tokens, more than the limit of ${refused.limit} ${what} on ${label}; lower max_tokens.`
        : `Rate limit reached for ${what} on ${label}: limit ${refused.limit}. Retry in ${formatDuration(refused.retryAfterMs)}.`,
      headers: { 'retry-after': String(retryAfter), ...rateLimitHeaders(isRequests ? 'requests' : 'tokens', [refused]) },
    });
    return new Refused(error, isRequests ? 'requests' : 'tokens', subject?.scope ?? 'tenant');
  }
}

/** The most the request can cost: every prompt token and every allowed completion token at the dearest target's price. */
export function estimateCost(request: Pick<AdmissionRequest, 'estimatedPromptTokens' | 'maxCompletionTokens' | 'maxPrice'>): number {
  if (!request.maxPrice) return 0;
  return Math.ceil(request.estimatedPromptTokens * request.maxPrice.input + request.maxCompletionTokens * request.maxPrice.output);
}
