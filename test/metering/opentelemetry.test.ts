import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { call, login } from '../helpers/api.js';
import { defaultHandler, type FakeUpstream, sendJson, startFakeOpenAi } from '../helpers/fake-openai.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { type OtlpReceiver, type ReceivedSpan, startOtlpReceiver } from '../helpers/otlp-receiver.js';
import { pollUntil } from '../helpers/poll.js';

const SERVER = 2;
const CLIENT = 3;
const ERROR = 2;

const CALLER_TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN_ID = '00f067aa0ba902b7';
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-0[01]$/;

describe('OpenTelemetry export', () => {
  let receiver: OtlpReceiver;
  let upstream: FakeUpstream;
  let down: FakeUpstream;
  let gateway: TestGateway;
  let token: string;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    upstream = await startFakeOpenAi();
    down = await startFakeOpenAi((_request, res) => sendJson(res, 503, { error: { message: 'overloaded', type: 'server_error' } }));
    // The OTLP exporter reads the OTEL_* variables from the process environment; the config reads the same.
    vi.stubEnv('OTEL_EXPORTER_OTLP_ENDPOINT', receiver.url);
    vi.stubEnv('OTEL_SERVICE_NAME', undefined);
    vi.stubEnv('OTEL_TRACES_SAMPLER', undefined);
    gateway = await startGateway({
      captureLogs: true,
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: upstream.baseUrl },
    });
    token = await login(gateway);
    for (const [name, fake] of [
      ['down', down],
      ['backup', upstream],
    ] as const) {
      const created = await call(gateway, 'POST', '/providers', {
        auth: token,
        body: { name, type: 'openai', baseUrl: fake.baseUrl, apiKey: `sk-${name}`, environment: 'production' },
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
    }
    const rule = await call(gateway, 'PUT', '/routing-rules/resilient', {
      auth: token,
      body: {
        environment: 'production',
        strategy: 'fallback',
        targets: [
          { provider: 'down', model: 'gpt-4o' },
          { provider: 'backup', model: 'gpt-4o-mini' },
        ],
      },
    });
    expect(rule.status, JSON.stringify(rule.body)).toBe(201);
  });

  afterAll(async () => {
    await gateway?.close();
    await Promise.all([receiver?.close(), upstream?.close(), down?.close()]);
    vi.unstubAllEnvs();
  });

  /** The spans of one request, found by the x-request-id it answered with: the request's and its attempts'. */
  async function spansOf(requestId: string, attempts: number): Promise<{ request: ReceivedSpan; attempts: ReceivedSpan[] }> {
    const observe = async () => {
      await gateway.shuttle.runtime.tracing?.flush();
      const request = receiver.spans.find((span) => span.attributes['shuttle.request.id'] === requestId);
      return { request, attempts: receiver.spans.filter((span) => request && span.parentSpanId === request.spanId) };
    };
    const found = await pollUntil(observe, (seen) => seen.request !== undefined && seen.attempts.length >= attempts, { withinMs: 5_000 });
    expect(found.request, `the span of request ${requestId}`).toBeDefined();
    expect(found.attempts).toHaveLength(attempts);
    return { request: found.request as ReceivedSpan, attempts: found.attempts };
  }

  it('exports a chat completion as a span in the GenAI conventions, continuing the caller’s trace, with its attempt as a child', async () => {
    upstream.requests.length = 0;
    const response = await call(gateway, 'POST', '/chat/completions', {
      auth: gateway.masterKey,
      headers: {
        traceparent: `00-${CALLER_TRACE_ID}-${CALLER_SPAN_ID}-01`,
        tracestate: 'caller=abc',
        'x-shuttle-customer-id': 'customer-7',
      },
      body: { model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] },
    });
    expect(response.status).toBe(200);
    const requestId = response.headers.get('x-request-id') as string;
    const { request, attempts } = await spansOf(requestId, 1);
    const [attempt] = attempts as [ReceivedSpan];

    expect(request.traceId).toBe(CALLER_TRACE_ID);
    expect(request.parentSpanId).toBe(CALLER_SPAN_ID);
    expect(request.kind).toBe(SERVER);
    expect(request.name).toBe('chat openai/gpt-4o-mini');
    expect(request.resource['service.name']).toBe('shuttle');
    const customers = await call(gateway, 'GET', '/customers/customer-7', { auth: gateway.masterKey });
    expect(request.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'openai/gpt-4o-mini',
      'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
      'gen_ai.usage.input_tokens': 1000,
      'gen_ai.usage.output_tokens': 500,
      'gen_ai.usage.cache_read.input_tokens': 200,
      'http.request.method': 'POST',
      'http.route': '/api/v1/chat/completions',
      'http.response.status_code': 200,
      'shuttle.request.id': requestId,
      'shuttle.tenant.id': gateway.tenantId,
      'shuttle.customer.id': customers.body.id,
      'shuttle.environment': 'production',
      'shuttle.provider.connection': 'openai',
      'shuttle.attempts': 1,
    });
    expect(request.attributes['shuttle.key.id']).toMatch(/^key_/);
    expect(request.attributes['shuttle.cost.usd']).toBeGreaterThan(0);
    expect(request.attributes['error.type']).toBeUndefined();
    expect(request.status.code).toBe(0);

    expect(attempt.traceId).toBe(CALLER_TRACE_ID);
    expect(attempt.kind).toBe(CLIENT);
    expect(attempt.name).toBe('chat gpt-4o-mini');
    expect(attempt.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
      'server.address': '127.0.0.1',
      'shuttle.attempt': 1,
    });
    expect(attempt.startTimeUnixNano).toBeGreaterThanOrEqual(request.startTimeUnixNano);
    expect(attempt.endTimeUnixNano).toBeLessThanOrEqual(request.endTimeUnixNano);

    // The provider was told the attempt's span as its parent, in the caller's trace, with the caller's tracestate.
    const sent = upstream.last().headers;
    expect(sent.traceparent).toBe(`00-${CALLER_TRACE_ID}-${attempt.spanId}-01`);
    expect(sent.tracestate).toBe('caller=abc');
  });

  it('follows a caller that did not sample its trace: nothing exported, the trace context still passed on', async () => {
    upstream.handle(defaultHandler);
    const response = await call(gateway, 'POST', '/chat/completions', {
      auth: gateway.masterKey,
      headers: { traceparent: `00-${CALLER_TRACE_ID.replace('4bf9', 'aaaa')}-${CALLER_SPAN_ID}-00` },
      body: { model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] },
    });
    expect(response.status).toBe(200);
    const [, traceId, ,] = TRACEPARENT.exec(String(upstream.last().headers.traceparent)) ?? [];
    expect(traceId).toBe(CALLER_TRACE_ID.replace('4bf9', 'aaaa'));
    expect(String(upstream.last().headers.traceparent).endsWith('-00')).toBe(true);
    // A sampled request after it is exported once the unsampled one has long finished.
    const next = await call(gateway, 'POST', '/chat/completions', {
      auth: gateway.masterKey,
      body: { model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] },
    });
    await spansOf(next.headers.get('x-request-id') as string, 1);
    expect(receiver.spans.filter((span) => span.traceId === traceId)).toEqual([]);
  });

  it('records a failed attempt and its fallback as two child spans, the failure with error status', async () => {
    down.requests.length = 0;
    upstream.requests.length = 0;
    const response = await call(gateway, 'POST', '/chat/completions', {
      auth: gateway.masterKey,
      body: { model: 'resilient', messages: [{ role: 'user', content: 'hi' }] },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-shuttle-attempts')).toBe('2');
    const { request, attempts } = await spansOf(response.headers.get('x-request-id') as string, 2);
    const [failed, served] = [...attempts].sort(
      (a, b) => Number(a.attributes['shuttle.attempt']) - Number(b.attributes['shuttle.attempt']),
    ) as [ReceivedSpan, ReceivedSpan];

    // No traceparent came in: the request starts a trace of its own.
    expect(request.parentSpanId).toBeUndefined();
    expect(request.attributes).toMatchObject({
      'gen_ai.request.model': 'resilient',
      'shuttle.provider.connection': 'backup',
      'shuttle.attempts': 2,
    });
    expect(request.status.code).toBe(0);

    expect(failed.attributes).toMatchObject({
      'shuttle.provider.connection': 'down',
      'gen_ai.request.model': 'gpt-4o',
      'error.type': '503',
      'http.response.status_code': 503,
    });
    expect(failed.status.code).toBe(ERROR);
    expect(failed.status.message).toContain('overloaded');
    expect(served.attributes).toMatchObject({ 'shuttle.provider.connection': 'backup', 'gen_ai.request.model': 'gpt-4o-mini' });
    expect(served.attributes['error.type']).toBeUndefined();
    expect(served.status.code).not.toBe(ERROR);

    // Each provider got the trace context of its own attempt.
    const [, downTrace, downSpan] = TRACEPARENT.exec(String(down.last().headers.traceparent)) ?? [];
    const [, servedTrace, servedSpan] = TRACEPARENT.exec(String(upstream.last().headers.traceparent)) ?? [];
    expect([downTrace, servedTrace]).toEqual([request.traceId, request.traceId]);
    expect([downSpan, servedSpan]).toEqual([failed.spanId, served.spanId]);
  });

  it('exports a stream, a Responses call and a Messages call as chat spans', async () => {
    upstream.handle(defaultHandler);
    const streamed = await fetch(`${gateway.api}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gateway.masterKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'openai/gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(await streamed.text()).toContain('[DONE]');
    const { request: stream, attempts } = await spansOf(streamed.headers.get('x-request-id') as string, 1);
    expect(stream.attributes).toMatchObject({ 'gen_ai.operation.name': 'chat', 'gen_ai.request.stream': true });
    expect(stream.attributes['gen_ai.response.time_to_first_chunk']).toEqual(expect.any(Number));
    // The attempt that served the stream lasts as long as the stream.
    expect(attempts[0]?.endTimeUnixNano).toBe(stream.endTimeUnixNano);

    const responses = await call(gateway, 'POST', '/responses', {
      auth: gateway.masterKey,
      body: { model: 'openai/gpt-4o-mini', input: 'hi', store: false },
    });
    expect(responses.status, JSON.stringify(responses.body)).toBe(200);
    const { request: response } = await spansOf(responses.headers.get('x-request-id') as string, 1);
    expect(response.attributes).toMatchObject({ 'gen_ai.operation.name': 'chat', 'http.route': '/api/v1/responses' });

    const messages = await call(gateway, 'POST', '/messages', {
      auth: gateway.masterKey,
      headers: { 'anthropic-version': '2023-06-01' },
      body: { model: 'openai/gpt-4o-mini', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] },
    });
    expect(messages.status, JSON.stringify(messages.body)).toBe(200);
    const { request: message } = await spansOf(messages.headers.get('x-request-id') as string, 1);
    expect(message.attributes).toMatchObject({ 'gen_ai.operation.name': 'chat', 'gen_ai.usage.output_tokens': 500 });
  });

  it('names the flow and version of a flow run', async () => {
    upstream.handle(defaultHandler);
    const api = (method: string, path: string, body?: unknown) => call(gateway, method, path, { auth: token, body });
    const flow = await api('POST', '/flows', { title: 'Traced', slug: 'traced' });
    expect(flow.status).toBe(201);
    const version = await api('POST', '/flows/traced/versions', { templates: { main: { template: 'Say hi', llm: 'openai/gpt-4o-mini' } } });
    expect(version.status, JSON.stringify(version.body)).toBe(201);
    await api('POST', '/flows/traced/versions/1/environments', { environment: 'production' });
    const run = await call(gateway, 'POST', '/flows/traced/runs', { auth: gateway.masterKey, body: { parameters: {} } });
    expect(run.status, JSON.stringify(run.body)).toBe(200);
    const { request } = await spansOf(run.headers.get('x-request-id') as string, 1);
    expect(request.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.prompt.name': flow.body.id,
      'gen_ai.prompt.version': '1',
      'http.route': '/api/v1/flows/:flow/runs',
    });
  });

  it('ends the attempt with its request when the client leaves while the provider has the call', async () => {
    upstream.requests.length = 0;
    upstream.handle(() => new Promise(() => undefined));
    const leaving = new AbortController();
    const request = fetch(`${gateway.api}/chat/completions`, {
      method: 'POST',
      signal: leaving.signal,
      headers: { authorization: `Bearer ${gateway.masterKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'openai/left-behind', messages: [{ role: 'user', content: 'hi' }] }),
    }).catch(() => undefined);
    await pollUntil(
      () => upstream.requests.length,
      (count) => count > 0,
      { withinMs: 5_000 },
    );
    leaving.abort();
    await request;
    const observe = async () => {
      await gateway.shuttle.runtime.tracing?.flush();
      return receiver.spans.find((span) => span.attributes['gen_ai.request.model'] === 'openai/left-behind');
    };
    const left = await pollUntil(observe, (span) => span !== undefined, { withinMs: 5_000 });
    expect(left?.attributes['http.response.status_code']).toBe(499);
    const attempt = await pollUntil(
      async () => {
        await gateway.shuttle.runtime.tracing?.flush();
        return receiver.spans.find((span) => span.parentSpanId === left?.spanId);
      },
      (span) => span !== undefined,
      { withinMs: 5_000 },
    );
    expect(attempt?.endTimeUnixNano).toBeLessThanOrEqual(left?.endTimeUnixNano ?? 0n);
    // Nothing was done to a span after it ended (the SDK would warn).
    expect(gateway.logText()).not.toContain('OpenTelemetry');
    upstream.handle(defaultHandler);
  });

  it('marks a request that failed with its error type and status', async () => {
    down.requests.length = 0;
    const response = await call(gateway, 'POST', '/chat/completions', {
      auth: gateway.masterKey,
      body: { model: 'down/gpt-4o', messages: [{ role: 'user', content: 'hi' }] },
    });
    expect(response.status).toBe(503);
    const { request, attempts } = await spansOf(response.headers.get('x-request-id') as string, 1);
    expect(request.status.code).toBe(ERROR);
    expect(request.attributes).toMatchObject({ 'http.response.status_code': 503, 'gen_ai.provider.name': 'openai' });
    expect(request.attributes['error.type']).toEqual(expect.any(String));
    expect(attempts[0]?.status.code).toBe(ERROR);
  });

  it('exports embeddings as the embeddings operation, and a request refused before any attempt too', async () => {
    upstream.handle((_request, res) =>
      sendJson(res, 200, {
        object: 'list',
        data: [{ object: 'embedding', index: 0, embedding: [0.1, 0.2] }],
        model: 'text-embedding-3-small',
        usage: { prompt_tokens: 3, total_tokens: 3 },
      }),
    );
    const embedded = await call(gateway, 'POST', '/embeddings', {
      auth: gateway.masterKey,
      body: { model: 'openai/text-embedding-3-small', input: 'hello' },
    });
    expect(embedded.status).toBe(200);
    const { request } = await spansOf(embedded.headers.get('x-request-id') as string, 1);
    expect(request.name).toBe('embeddings openai/text-embedding-3-small');
    expect(request.attributes).toMatchObject({ 'gen_ai.operation.name': 'embeddings', 'gen_ai.usage.input_tokens': 3 });

    const refused = await call(gateway, 'POST', '/chat/completions', {
      auth: gateway.masterKey,
      body: { model: 'nowhere/nothing', messages: [{ role: 'user', content: 'hi' }] },
    });
    expect(refused.status).toBeGreaterThanOrEqual(400);
    const { request: refusedSpan } = await spansOf(refused.headers.get('x-request-id') as string, 0);
    expect(refusedSpan.status.code).toBe(ERROR);
    expect(refusedSpan.attributes['http.response.status_code']).toBe(refused.status);
    expect(refusedSpan.attributes['error.type']).toBe(refused.body.error.code);
  });
});

describe('without tracing', () => {
  let upstream: FakeUpstream;
  let receiver: OtlpReceiver;

  beforeAll(async () => {
    upstream = await startFakeOpenAi();
    receiver = await startOtlpReceiver();
  });

  afterAll(async () => {
    await Promise.all([upstream?.close(), receiver?.close()]);
    vi.unstubAllEnvs();
  });

  for (const [when, otel] of [
    ['when no OTLP endpoint is set', {}],
    ['when OTEL_SDK_DISABLED is true', { OTEL_EXPORTER_OTLP_ENDPOINT: 'receiver', OTEL_SDK_DISABLED: 'true' }],
  ] as const) {
    it(`traces nothing and sends no trace context upstream ${when}`, async () => {
      const env: Record<string, string> = Object.fromEntries(
        Object.entries(otel).map(([name, value]) => [name, value === 'receiver' ? receiver.url : value]),
      );
      vi.stubEnv('OTEL_EXPORTER_OTLP_ENDPOINT', env.OTEL_EXPORTER_OTLP_ENDPOINT);
      vi.stubEnv('OTEL_SDK_DISABLED', env.OTEL_SDK_DISABLED);
      const gateway = await startGateway({ env: { ...env, OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: upstream.baseUrl } });
      try {
        expect(gateway.shuttle.runtime.tracing).toBeNull();
        const response = await call(gateway, 'POST', '/chat/completions', {
          auth: gateway.masterKey,
          headers: { traceparent: `00-${CALLER_TRACE_ID}-${CALLER_SPAN_ID}-01` },
          body: { model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] },
        });
        expect(response.status).toBe(200);
        expect(upstream.last().headers.traceparent).toBeUndefined();
      } finally {
        await gateway.close();
      }
      expect(receiver.posts).toBe(0);
    });
  }
});

describe('a collector that refuses the spans', () => {
  let upstream: FakeUpstream;
  let collector: Server;
  let collectorUrl: string;

  beforeAll(async () => {
    upstream = await startFakeOpenAi();
    collector = createServer((_req, res) => res.writeHead(400, { 'content-type': 'application/json' }).end('{"message":"no"}'));
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    collectorUrl = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await upstream?.close();
    await new Promise((resolve) => collector?.close(resolve));
    vi.unstubAllEnvs();
  });

  it('costs the request nothing and is logged as a warning', async () => {
    vi.stubEnv('OTEL_EXPORTER_OTLP_ENDPOINT', collectorUrl);
    const gateway = await startGateway({
      captureLogs: true,
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: collectorUrl, OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: upstream.baseUrl },
    });
    try {
      const response = await call(gateway, 'POST', '/chat/completions', {
        auth: gateway.masterKey,
        body: { model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] },
      });
      expect(response.status).toBe(200);
    } finally {
      await gateway.close();
    }
    const warnings = gateway.logs().filter((line) => line.level === 40 && String(line.msg).includes('OpenTelemetry'));
    expect(warnings.length, gateway.logText()).toBeGreaterThan(0);
  });
});
