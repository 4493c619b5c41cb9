// GatewayMetrics adds up per-request counts in plain numbers and hands them to prom-client when scraped: every
// request must be counted exactly once, however the scrapes fall between them.
import { describe, expect, it } from 'vitest';
import { GatewayMetrics, type RequestObservation } from '../../src/metering/metrics.js';

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

  it('puts each request in the buckets of its duration and overhead, by route and provider', async () => {
    const metrics = new GatewayMetrics(() => 0);
    // On a bucket bound, between bounds, and past the last; two routes and two providers.
    const cases = [
      { durationMs: 1, upstreamMs: 0.75, route: CHAT, provider: 'openai' },
      { durationMs: 12, upstreamMs: 10, route: CHAT, provider: 'anthropic' },
      { durationMs: 2_500, upstreamMs: 2_400, route: '/api/v1/embeddings', provider: 'openai' },
      { durationMs: 120_000, upstreamMs: 1, route: CHAT, provider: 'openai' },
    ];
    for (const { durationMs, upstreamMs, route, provider } of cases)
      metrics.observeRequest(observation({ durationMs, upstreamMs, route, provider }));
    const text = await metrics.registry.metrics();
    const duration = (le: string, route = CHAT) => sample(text, `shuttle_request_duration_seconds_bucket{le="${le}",route="${route}"}`);
    expect([duration('0.001'), duration('0.01'), duration('0.05'), duration('60'), duration('+Inf')]).toEqual([1, 1, 2, 2, 3]);
    expect(duration('2.5', '/api/v1/embeddings')).toBe(1);
    expect(sample(text, `shuttle_request_duration_seconds_sum{route="${CHAT}"}`)).toBeCloseTo(120.013, 9);
    const overhead = (le: string, provider: string, route = CHAT) =>
      sample(text, `shuttle_gateway_overhead_seconds_bucket{le="${le}",route="${route}",provider="${provider}"}`);
    expect([overhead('0.00025', 'openai'), overhead('0.1', 'openai'), overhead('+Inf', 'openai')]).toEqual([1, 1, 2]);
    expect([overhead('0.001', 'anthropic'), overhead('0.0025', 'anthropic')]).toEqual([0, 1]);
    expect(overhead('0.1', 'openai', '/api/v1/embeddings')).toBe(1);
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
