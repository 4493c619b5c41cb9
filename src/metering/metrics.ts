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

export class GatewayMetrics {
  readonly registry = new Registry();
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
    this.requests = new Counter({
      name: 'shuttle_requests_total',
      help: 'Requests answered, by route and status',
      labelNames: ['route', 'status'],
      registers,
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
    });
    this.cost = new Counter({ name: 'shuttle_cost_usd_total', help: 'Cost metered, in US dollars', labelNames: ['provider'], registers });
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

  /** Per request: label children are looked up once per label combination, not hashed on every observation. */
  observeRequest(o: RequestObservation): void {
    const route = this.children(`${o.route}\u0000${o.status}`, () => ({
      requests: this.requests.labels(o.route, String(o.status)),
      duration: this.duration.labels(o.route),
    }));
    route.requests.inc();
    route.duration.observe(o.durationMs / 1000);
    if (o.provider === null) return;
    const provider = o.provider;
    const served = this.children(`${o.route}\u0000${provider}`, () => ({
      overhead: this.overhead.labels(o.route, provider),
      prompt: this.tokens.labels(provider, 'prompt'),
      completion: this.tokens.labels(provider, 'completion'),
      cost: this.cost.labels(provider),
    }));
    if (o.upstreamMs !== null) served.overhead.observe(Math.max(0, o.durationMs - o.upstreamMs) / 1000);
    if (o.promptTokens > 0) served.prompt.inc(o.promptTokens);
    if (o.completionTokens > 0) served.completion.inc(o.completionTokens);
    if (o.costMicros > 0) served.cost.inc(o.costMicros / 1_000_000);
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
