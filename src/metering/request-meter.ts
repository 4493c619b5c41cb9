// What one metered request accumulates on its way through the pipeline; becomes a usage event when it closes.
import type { CapturedAnswer, RequestLogLevel, UpstreamAttempt } from '../domain/request-log-entry.js';
import { NO_USAGE, type TokenUsage } from '../domain/token-usage.js';
import type { UsageEvent } from '../store/repositories/usage-events.js';
import type { SlotRelease } from './limits/concurrency-gate.js';
import type { Admission } from './limits/limit-gate.js';

export interface MeterIdentity {
  requestId: string;
  tenantId: string;
  keyId: string | null;
  environment: string | null;
}

export class RequestMeter {
  requestedModel: string | null = null;
  /** The connection that served the call: tenant data, for the tenant's own usage records. */
  provider: string | null = null;
  /** That connection's provider type (`openai`, `anthropic`, …): a fixed set, fit for metric labels. */
  providerType: string | null = null;
  servedModel: string | null = null;
  customerId: string | null = null;
  usage: TokenUsage = NO_USAGE;
  /** What the providers charged. */
  costMicros = 0;
  /** What the tenant is billed: the provider cost scaled by its plan's model multipliers (docs/metering.md). */
  billedMicros = 0;
  attempts = 0;
  /** Each upstream try, in order, for the request log (and span export). */
  readonly attemptLog: UpstreamAttempt[] = [];
  /**
   * What the request log keeps of this request, once known (the tenant's level, lowered by x-shuttle-log); null until
   * the tenant's configuration is at hand.
   */
  logLevel: RequestLogLevel | null = null;
  /** At level full: the answer as it went out, by reference (a stream's events as they were written). */
  answer: CapturedAnswer | null = null;
  upstreamStartedAt: number | null = null;
  upstreamMs: number | null = null;
  ttftMs: number | null = null;
  streamed = false;
  errorCode: string | null = null;
  /** The status of a failure that happened after a 200 was sent (a stream that broke off). */
  failedStatus: number | null = null;
  /** The admission of the latest call (its x-ratelimit-* headers go on the response). */
  admission: Admission | null = null;
  /** Every admission of this request; the gateway settles each with its call's cost, the lifecycle any left over. */
  readonly admissions: Admission[] = [];
  /**
   * Ends the call still open when the client leaves (a stream, or a call awaiting its answer): it counts what it used,
   * before the event is written. A request's calls run one after another, so there is at most one.
   */
  openCall: (() => void) | null = null;
  /** Gives back the request's concurrency slots; set while it holds any (released once its response closes). */
  slots: SlotRelease | null = null;
  /** Whether the response has closed: slots acquired after that are given back at once. */
  closed = false;
  /** Whether the request holds a place in the usage queue (taken at admission, before any provider call). */
  holdsQueuePlace = false;
  /** The status its usage event was recorded with, once it is: a request is recorded once. */
  recordedStatus: number | null = null;
  /** Set on flow runs: the usage event carries the flow and version. */
  flowId: string | null = null;
  flowVersion: number | null = null;
  /** Set when the response cache answered: the event is a hit, and the provider cost it saved. */
  cached = false;
  savedMicros = 0;
  /** For the x-shuttle-cache header: whether a request that used the cache was a hit; null when it did not use it. */
  cacheStatus: 'hit' | 'miss' | null = null;
  /** A hit's age in seconds (the age header). */
  cacheAgeSeconds = 0;

  constructor(
    readonly endpoint: string,
    /** performance.now() when the request arrived. */
    readonly startedAt: number,
  ) {}

  /** Adds one upstream call's usage and cost: a request may make several (a flow's structured-output retry). */
  addCall(usage: TokenUsage, costMicros: number, billedMicros = costMicros): void {
    this.usage = {
      promptTokens: this.usage.promptTokens + usage.promptTokens,
      completionTokens: this.usage.completionTokens + usage.completionTokens,
      cachedTokens: this.usage.cachedTokens + usage.cachedTokens,
    };
    this.costMicros += costMicros;
    this.billedMicros += billedMicros;
  }

  /** Keeps the request's slots until its response closes; false (and the slots given back) if it already has. */
  holdSlots(release: SlotRelease): boolean {
    if (this.closed) {
      release();
      return false;
    }
    this.slots = release;
    return true;
  }

  /** Gives the slots back: once, when the response closes. */
  releaseSlots(): void {
    this.closed = true;
    const release = this.slots;
    this.slots = null;
    release?.();
  }

  /** Meters the call still open as it stands; called when the response closes, before settling and recording. */
  closeOpenCall(): void {
    const close = this.openCall;
    this.openCall = null;
    close?.();
  }

  toEvent(identity: MeterIdentity, status: number, endedAt: number): UsageEvent {
    return {
      id: identity.requestId,
      tenantId: identity.tenantId,
      keyId: identity.keyId,
      customerId: this.customerId,
      environment: identity.environment,
      endpoint: this.endpoint,
      requestedModel: this.requestedModel,
      provider: this.provider,
      servedModel: this.servedModel,
      promptTokens: this.usage.promptTokens,
      completionTokens: this.usage.completionTokens,
      cachedTokens: this.usage.cachedTokens,
      costMicros: this.costMicros,
      latencyMs: Math.round(endedAt - this.startedAt),
      upstreamMs: this.upstreamMs === null ? null : Math.round(this.upstreamMs),
      ttftMs: this.ttftMs === null ? null : Math.round(this.ttftMs),
      streamed: this.streamed,
      status,
      errorCode: this.errorCode,
      createdAt: Date.now(),
      flowId: this.flowId,
      flowVersion: this.flowVersion,
      cached: this.cached,
      savedMicros: this.savedMicros,
      billedMicros: this.billedMicros,
    };
  }
}
