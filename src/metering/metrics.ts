// Prometheus metrics, including the gateway's own overhead (request time minus time waiting on the provider).
import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { DeadLetterKind } from '../store/repositories/dead-letters.js';
import { BufferedHistogram, type HistogramSeries } from './buffered-histogram.js';

export const OVERHEAD_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1];
export const DURATION_BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export interface RequestObservation {
  /** The route's pattern (`/api/v1/customers/:externalId`), never the path a client sent. */
  route: string;
  status: number;
  /**
   * A provider type (`openai`, `anthropic`, …), never a connection's name: labels hold no text a tenant chose, so a
   * tenant can neither read another's names on /metrics nor grow the series without bound.
   */
  provider: string | null;
  durationMs: number;
  upstreamMs: number | null;
  promptTokens: number;
  completionTokens: number;
  costMicros: number;
}

/**
 * A counter's increments for one label set, added up in a plain number and handed to prom-client when the registry is
 * scraped: prom-client hashes and validates the labels on every inc(), even through a bound child, and a proxied
 * request increments four counters.
 */
class PendingCount {
  value = 0;

  constructor(
    private readonly counter: Counter<string>,
    private readonly labels: Record<string, string>,
    /** What one unit of `value` is in the counter's unit (micro-dollars → dollars). */
    private readonly scale = 1,
  ) {}

  flush(): void {
    if (this.value === 0) return;
    this.counter.inc(this.labels, this.value * this.scale);
    this.value = 0;
  }
}

interface RouteChildren {
  requests: PendingCount;
  duration: HistogramSeries;
}

interface ServedChildren {
  overhead: HistogramSeries;
  prompt: PendingCount;
  completion: PendingCount;
  cost: PendingCount;
}

function countable(value: number): number {
  return typeof value === 'number' && value >= 0 && value < Number.POSITIVE_INFINITY ? value : 0;
}

export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly pending: PendingCount[] = [];
  private readonly requests: Counter<'route' | 'status'>;
  private readonly duration: BufferedHistogram;
  private readonly overhead: BufferedHistogram;
  private readonly tokens: Counter<'provider' | 'kind'>;
  private readonly cost: Counter<'provider'>;
  private readonly upstreamErrors: Counter<'provider' | 'code'>;
  private readonly limitRefusals: Counter<'kind' | 'scope'>;
  private readonly cacheLookups: Counter<'result'>;
  private readonly cacheFailures: Counter<'store' | 'operation'>;

  constructor(
    usageQueueDepth: () => number,
    /** Records set aside since start, by kind (DeadLetters.counts). */
    deadLetters: () => Readonly<Record<DeadLetterKind, number>> = () => ({ usage_event: 0, flow_run: 0, request_log_entry: 0 }),
    /** Requests refused because the usage queue was full, and events left out of it (BatchWriter.stats). */
    usageQueueFull: () => { rejected: number; notQueued: number } = () => ({ rejected: 0, notQueued: 0 }),
  ) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'shuttle_process_' });
    // Whichever counter is collected first hands over every pending count; the others then find nothing left.
    const collect = () => {
      for (const count of this.pending) count.flush();
    };
    this.requests = new Counter({
      name: 'shuttle_requests_total',
      help: 'Requests answered, by route and status',
      labelNames: ['route', 'status'],
      registers,
      collect,
    });
    this.duration = new BufferedHistogram('shuttle_request_duration_seconds', 'Time to answer a request', DURATION_BUCKETS, this.registry);
    this.overhead = new BufferedHistogram(
      'shuttle_gateway_overhead_seconds',
      'Time a proxied request spent in Shuttle itself: total time minus time waiting on the provider',
      OVERHEAD_BUCKETS,
      this.registry,
    );
    this.tokens = new Counter({
      name: 'shuttle_tokens_total',
      help: 'Tokens metered, by provider and kind',
      labelNames: ['provider', 'kind'],
      registers,
      collect,
    });
    this.cost = new Counter({
      name: 'shuttle_cost_usd_total',
      help: 'Cost metered, in US dollars',
      labelNames: ['provider'],
      registers,
      collect,
    });
    this.upstreamErrors = new Counter({
      name: 'shuttle_upstream_errors_total',
      help: 'Failed upstream calls, by provider type and failure (upstream_error, upstream_unreachable, upstream_interrupted, upstream_timeout, upstream_invalid_response)',
      labelNames: ['provider', 'code'],
      registers,
    });
    this.limitRefusals = new Counter({
      name: 'shuttle_limit_refusals_total',
      help: 'Requests refused by a limit, by kind (cost, requests, tokens, concurrency) and scope (tenant, key, customer)',
      labelNames: ['kind', 'scope'],
      registers,
    });
    this.cacheLookups = new Counter({
      name: 'shuttle_response_cache_lookups_total',
      help: 'Response cache lookups, by result (hit, miss, refresh)',
      labelNames: ['result'],
      registers,
    });
    this.cacheFailures = new Counter({
      name: 'shuttle_response_cache_failures_total',
      help: 'Response cache calls that failed or ran out of time (each a miss, or an answer not stored), by store (redis, database) and operation (get, set, delete)',
      labelNames: ['store', 'operation'],
      registers,
    });
    const reported: Record<DeadLetterKind, number> = { usage_event: 0, flow_run: 0, request_log_entry: 0 };
    new Counter({
      name: 'shuttle_dead_letters_total',
      help: 'Records the database refused and the writers set aside (usage_event, flow_run, request_log_entry), so that the others are written',
      labelNames: ['kind'],
      registers,
      collect() {
        for (const [kind, count] of Object.entries(deadLetters()) as [DeadLetterKind, number][]) {
          this.inc({ kind }, count - reported[kind]);
          reported[kind] = count;
        }
      },
    });
    const full = { rejected: 0, notQueued: 0 };
    new Counter({
      name: 'shuttle_usage_queue_full_total',
      help:
        'While the usage queue was full: requests refused with 503 usage_queue_full (outcome=request_refused), and events ' +
        'of requests that never reached a provider, so without tokens or cost, left out of the queue (outcome=event_not_queued)',
      labelNames: ['outcome'],
      registers,
      collect() {
        const now = usageQueueFull();
        this.inc({ outcome: 'request_refused' }, now.rejected - full.rejected);
        this.inc({ outcome: 'event_not_queued' }, now.notQueued - full.notQueued);
        full.rejected = now.rejected;
        full.notQueued = now.notQueued;
      },
    });
    new Gauge({
      name: 'shuttle_usage_queue_depth',
      help: 'Usage events waiting to be written to the database',
      registers,
      collect() {
        this.set(usageQueueDepth());
      },
    });
  }

  /** Requests waiting for a connection to a provider, which only a cap on connections makes (UpstreamPoolWatch). */
  gaugeUpstreamWaiting(waiting: () => number): void {
    new Gauge({
      name: 'shuttle_upstream_waiting_requests',
      help: 'Requests waiting for a connection to a provider because SHUTTLE_UPSTREAM_CONNECTIONS caps them per origin',
      registers: [this.registry],
      collect() {
        this.set(waiting());
      },
    });
  }

  /**
   * Per request: label children and pending counts are looked up once per label combination, then only added to.
   * Looked up by route, then by status or provider, rather than by a key joined from them: the route and provider
   * strings are the same objects request after request, so their hashes are already known, where a joined key is a
   * new string to flatten and hash every time.
   */
  observeRequest(o: RequestObservation): void {
    const byStatus = this.routeChildren.get(o.route) ?? this.newEntry(this.routeChildren, o.route, new Map());
    const route = byStatus.get(o.status) ?? this.newEntry(byStatus, o.status, this.routeChildrenOf(o.route, o.status));
    route.requests.value++;
    route.duration.observe(o.durationMs / 1000);
    if (o.provider === null) return;
    const byProvider = this.servedChildren.get(o.route) ?? this.newEntry(this.servedChildren, o.route, new Map());
    const served = byProvider.get(o.provider) ?? this.newEntry(byProvider, o.provider, this.servedChildrenOf(o.route, o.provider));
    if (o.upstreamMs !== null) served.overhead.observe(Math.max(0, o.durationMs - o.upstreamMs) / 1000);
    // Counts come from the provider, which may be a host a tenant controls: one that is not a number (NaN, Infinity, a
    // string) would turn the counter shared by every tenant of that provider into NaN for good, or make every scrape
    // fail (prom-client refuses Infinity). Such a request is left out of the counters; its usage event keeps it.
    served.prompt.value += countable(o.promptTokens);
    served.completion.value += countable(o.completionTokens);
    // Summed in integer micro-dollars: exact, where adding dollar fractions per request would drift.
    served.cost.value += countable(o.costMicros);
  }

  private readonly routeChildren = new Map<string, Map<number, RouteChildren>>();
  private readonly servedChildren = new Map<string, Map<string, ServedChildren>>();

  private newEntry<K, V>(map: Map<K, V>, key: K, value: V): V {
    map.set(key, value);
    return value;
  }

  private routeChildrenOf(route: string, status: number): RouteChildren {
    return {
      requests: this.pendingCount(this.requests, { route, status: String(status) }),
      duration: this.duration.child({ route }),
    };
  }

  private servedChildrenOf(route: string, provider: string): ServedChildren {
    return {
      overhead: this.overhead.child({ route, provider }),
      prompt: this.pendingCount(this.tokens, { provider, kind: 'prompt' }),
      completion: this.pendingCount(this.tokens, { provider, kind: 'completion' }),
      cost: this.pendingCount(this.cost, { provider }, 1 / 1_000_000),
    };
  }

  private pendingCount(counter: Counter<string>, labels: Record<string, string>, scale = 1): PendingCount {
    const count = new PendingCount(counter, labels, scale);
    this.pending.push(count);
    return count;
  }

  observeLimitRefusal(kind: 'cost' | 'requests' | 'tokens' | 'concurrency', scope: string): void {
    this.limitRefusals.inc({ kind, scope });
  }

  observeCacheLookup(result: 'hit' | 'miss' | 'refresh'): void {
    this.cacheLookups.inc({ result });
  }

  observeCacheFailure(store: 'redis' | 'database', operation: 'get' | 'set' | 'delete'): void {
    this.cacheFailures.inc({ store, operation });
  }

  /** By provider type and Shuttle's failure kind: never the provider's own error code, which any upstream can choose. */
  observeUpstreamError(provider: string, code: string): void {
    this.upstreamErrors.inc({ provider, code });
  }
}
