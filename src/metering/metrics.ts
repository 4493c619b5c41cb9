// Prometheus metrics, including the gateway's own overhead (request time minus time waiting on the provider).
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

const OVERHEAD_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1];
const DURATION_BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export interface RequestObservation {
  route: string;
  status: number;
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

export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly pending: PendingCount[] = [];
  private readonly requests: Counter<'route' | 'status'>;
  private readonly duration: Histogram<'route'>;
  private readonly overhead: Histogram<'route' | 'provider'>;
  private readonly tokens: Counter<'provider' | 'kind'>;
  private readonly cost: Counter<'provider'>;
  private readonly upstreamErrors: Counter<'provider' | 'code'>;
  private readonly limitRefusals: Counter<'kind' | 'scope'>;

  constructor(usageQueueDepth: () => number) {
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
    this.duration = new Histogram({
      name: 'shuttle_request_duration_seconds',
      help: 'Time to answer a request',
      labelNames: ['route'],
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.overhead = new Histogram({
      name: 'shuttle_gateway_overhead_seconds',
      help: 'Time a proxied request spent in Shuttle itself: total time minus time waiting on the provider',
      labelNames: ['route', 'provider'],
      buckets: OVERHEAD_BUCKETS,
      registers,
    });
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
      help: 'Failed upstream calls, by provider and error code',
      labelNames: ['provider', 'code'],
      registers,
    });
    this.limitRefusals = new Counter({
      name: 'shuttle_limit_refusals_total',
      help: 'Requests refused by a limit, by kind (cost, requests, tokens) and scope (tenant, key, customer)',
      labelNames: ['kind', 'scope'],
      registers,
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

  /** Per request: label children and pending counts are looked up once per label combination, then only added to. */
  observeRequest(o: RequestObservation): void {
    const route = this.children(`${o.route}\u0000${o.status}`, () => ({
      requests: this.pendingCount(this.requests, { route: o.route, status: String(o.status) }),
      duration: this.duration.labels(o.route),
    }));
    route.requests.value++;
    route.duration.observe(o.durationMs / 1000);
    if (o.provider === null) return;
    const provider = o.provider;
    const served = this.children(`${o.route}\u0000${provider}`, () => ({
      overhead: this.overhead.labels(o.route, provider),
      prompt: this.pendingCount(this.tokens, { provider, kind: 'prompt' }),
      completion: this.pendingCount(this.tokens, { provider, kind: 'completion' }),
      cost: this.pendingCount(this.cost, { provider }, 1 / 1_000_000),
    }));
    if (o.upstreamMs !== null) served.overhead.observe(Math.max(0, o.durationMs - o.upstreamMs) / 1000);
    served.prompt.value += o.promptTokens;
    served.completion.value += o.completionTokens;
    // Summed in integer micro-dollars: exact, where adding dollar fractions per request would drift.
    served.cost.value += o.costMicros;
  }

  private pendingCount(counter: Counter<string>, labels: Record<string, string>, scale = 1): PendingCount {
    const count = new PendingCount(counter, labels, scale);
    this.pending.push(count);
    return count;
  }

  private readonly cachedChildren = new Map<string, unknown>();

  private children<T>(key: string, create: () => T): T {
    let children = this.cachedChildren.get(key) as T | undefined;
    if (children === undefined) {
      children = create();
      this.cachedChildren.set(key, children);
    }
    return children;
  }

  observeLimitRefusal(kind: 'cost' | 'requests' | 'tokens', scope: string): void {
    this.limitRefusals.inc({ kind, scope });
  }

  observeUpstreamError(provider: string, code: string): void {
    this.upstreamErrors.inc({ provider, code });
  }
}
