// GatewayMetrics adds up per-request counts in plain numbers and hands them to prom-client when scraped: every
// request must be counted exactly once, however the scrapes fall between them.
import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { DURATION_BUCKETS, GatewayMetrics, OVERHEAD_BUCKETS, type RequestObservation } from '../../src/metering/metrics.js';

const CHAT = '/api/v1/chat/completions';

function observation(overrides: Partial<RequestObservation> = {}): RequestObservation {
  return {
    route: CHAT,
    status: 200,
    provider: 'openai',
    durationMs: 12,
    upstreamMs: 10,
    promptTokens: 30,
    completionTokens: 12,
    costMicros: 123,
    ...overrides,
  };
}

/** The value of one sample line of the exposition text, e.g. `shuttle_requests_total{route="…",status="200"}`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('GatewayMetrics', () => {
  it('counts requests, tokens and cost exactly, across scrapes', async () => {
    const metrics = new GatewayMetrics(() => 0);
    for (let i = 0; i < 3; i++) metrics.observeRequest(observation());
    metrics.observeRequest(observation({ status: 429, provider: null, promptTokens: 0, completionTokens: 0, costMicros: 0 }));
    let text = await metrics.registry.metrics();
    expect(sample(text, `shuttle_requests_total{route="${CHAT}",status="200"}`)).toBe(3);
    expect(sample(text, `shuttle_requests_total{route="${CHAT}",status="429"}`)).toBe(1);
    expect(sample(text, 'shuttle_tokens_total{provider="openai",kind="prompt"}')).toBe(90);
    expect(sample(text, 'shuttle_tokens_total{provider="openai",kind="completion"}')).toBe(36);
    expect(sample(text, 'shuttle_cost_usd_total{provider="openai"}')).toBeCloseTo(0.000369, 12);
    expect(sample(text, `shuttle_request_duration_seconds_count{route="${CHAT}"}`)).toBe(4);

    // A scrape with nothing new changes nothing; later requests add to what was scraped.
    expect(sample(await metrics.registry.metrics(), `shuttle_requests_total{route="${CHAT}",status="200"}`)).toBe(3);
    for (let i = 0; i < 2; i++) metrics.observeRequest(observation({ costMicros: 1_000_000 }));
    text = await metrics.registry.metrics();
    expect(sample(text, `shuttle_requests_total{route="${CHAT}",status="200"}`)).toBe(5);
    expect(sample(text, 'shuttle_tokens_total{provider="openai",kind="prompt"}')).toBe(150);
    expect(sample(text, 'shuttle_cost_usd_total{provider="openai"}')).toBeCloseTo(2.000369, 12);
    expect(sample(text, `shuttle_gateway_overhead_seconds_count{route="${CHAT}",provider="openai"}`)).toBe(5);
  });

  it('shows no token or cost series for a provider until it has metered some', async () => {
    const metrics = new GatewayMetrics(() => 0);
    metrics.observeRequest(observation({ provider: 'mock', promptTokens: 0, completionTokens: 0, costMicros: 0 }));
    const text = await metrics.registry.metrics();
    expect(text).not.toContain('shuttle_tokens_total{provider="mock"');
    expect(text).not.toContain('shuttle_cost_usd_total{provider="mock"}');
    expect(sample(text, `shuttle_requests_total{route="${CHAT}",status="200"}`)).toBe(1);
  });

  // BufferedHistogram speaks prom-client's undocumented metric protocol: this fails when a prom-client upgrade changes it.
  it("exposes its histograms line for line as prom-client's Histogram does, JSON too", async () => {
    const metrics = new GatewayMetrics(() => 0);
    const reference = new Registry();
    const duration = new Histogram({
      name: 'shuttle_request_duration_seconds',
      help: 'Time to answer a request',
      labelNames: ['route'],
      buckets: DURATION_BUCKETS,
      registers: [reference],
    });
    const overhead = new Histogram({
      name: 'shuttle_gateway_overhead_seconds',
      help: 'Time a proxied request spent in Shuttle itself: total time minus time waiting on the provider',
      labelNames: ['route', 'provider'],
      buckets: OVERHEAD_BUCKETS,
      registers: [reference],
    });
    // On bucket bounds, between them, and past the last; two routes and two providers.
    const cases = [
      { durationMs: 0.1, upstreamMs: 0, route: CHAT, provider: 'openai' },
      { durationMs: 1, upstreamMs: 0.75, route: CHAT, provider: 'openai' },
      { durationMs: 12, upstreamMs: 10, route: CHAT, provider: 'anthropic' },
      { durationMs: 2_500, upstreamMs: 2_400, route: '/api/v1/embeddings', provider: 'openai' },
      { durationMs: 120_000, upstreamMs: 1, route: CHAT, provider: 'openai' },
    ];
    for (const { durationMs, upstreamMs, route, provider } of cases) {
      metrics.observeRequest(observation({ durationMs, upstreamMs, route, provider }));
      duration.observe({ route }, durationMs / 1000);
      overhead.observe({ route, provider }, Math.max(0, durationMs - upstreamMs) / 1000);
    }
    const linesOf = (text: string, name: string) => text.split('\n').filter((line) => line.startsWith(name) || line.includes(` ${name} `));
    const [ours, theirs] = [await metrics.registry.metrics(), await reference.metrics()];
    for (const name of ['shuttle_request_duration_seconds', 'shuttle_gateway_overhead_seconds']) {
      expect(linesOf(ours, name).length).toBeGreaterThan(20);
      expect(linesOf(ours, name)).toEqual(linesOf(theirs, name));
    }
    const json = async (registry: Registry, name: string) => (await registry.getMetricsAsJSON()).find((metric) => metric.name === name);
    const referenceValues = (await json(reference, 'shuttle_gateway_overhead_seconds'))?.values ?? [];
    expect((await json(metrics.registry, 'shuttle_gateway_overhead_seconds'))?.values).toEqual(
      referenceValues.map((value) => Object.fromEntries(Object.entries(value).filter(([key]) => key !== 'exemplar'))), // no exemplars here
    );
  });

  it('keeps counting into its histograms after the registry is reset', async () => {
    const metrics = new GatewayMetrics(() => 0);
    metrics.observeRequest(observation());
    metrics.registry.resetMetrics();
    metrics.observeRequest(observation());
    const text = await metrics.registry.metrics();
    expect(sample(text, `shuttle_request_duration_seconds_count{route="${CHAT}"}`)).toBe(1);
    expect(sample(text, `shuttle_gateway_overhead_seconds_count{route="${CHAT}",provider="openai"}`)).toBe(1);
  });
});
