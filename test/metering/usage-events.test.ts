import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/databases.js';
import { chunk, defaultHandler, type FakeUpstream, sendEvent, sendJson, startFakeOpenAi, startSse } from '../helpers/fake-openai.js';
import { flushUsage, postJson, startGateway, type TestGateway } from '../helpers/gateway.js';

const ask = (model: string, extra: Record<string, unknown> = {}) => ({
  model,
  messages: [{ role: 'user', content: 'Count these four words' }],
  ...extra,
});

describe.each(DIALECTS)('usage metering on %s', (dialect) => {
  let upstream: FakeUpstream;
  let gateway: TestGateway;

  beforeAll(async () => {
    upstream = await startFakeOpenAi();
    gateway = await startGateway({ dialect, env: { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: upstream.baseUrl } });
  });

  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  beforeEach(() => upstream.handle(defaultHandler));

  async function eventFor(response: Response) {
    await response.text();
    await flushUsage(gateway);
    const id = response.headers.get('x-request-id');
    const events = await gateway.shuttle.runtime.repos.usageEvents.listRecent(gateway.tenantId, 500);
    return events.find((event) => event.id === id);
  }

  it('records a completion with tokens, cached tokens and its cost in micro-dollars', async () => {
    const response = await postJson(gateway, '/chat/completions', ask('openai/gpt-4o-mini'));
    expect(response.status).toBe(200);
    const event = await eventFor(response);
    expect(event).toMatchObject({
      tenantId: gateway.tenantId,
      endpoint: 'chat.completions',
      requestedModel: 'openai/gpt-4o-mini',
      provider: 'openai',
      servedModel: 'gpt-4o-mini-2024-07-18',
      promptTokens: 1000,
      completionTokens: 500,
      cachedTokens: 200,
      // 800 fresh × $0.15 + 200 cached × $0.075 + 500 out × $0.60, per million tokens
      costMicros: 435,
      status: 200,
      errorCode: null,
      streamed: false,
    });
    expect(event?.keyId).toMatch(/^key_/);
    expect(event?.latencyMs).toBeGreaterThanOrEqual(0);
    expect(response.headers.get('x-shuttle-cost-usd')).toBe('0.000435');
  });

  it('meters a stream from the usage chunk, even when the client did not ask to see it', async () => {
    const response = await postJson(gateway, '/chat/completions', ask('openai/gpt-4o-mini', { stream: true }));
    const event = await eventFor(response);
    expect(event).toMatchObject({ promptTokens: 12, completionTokens: 2, streamed: true, status: 200 });
    expect(event?.ttftMs).not.toBeNull();
  });

  it('meters the built-in mock provider with its honest token counts', async () => {
    const event = await eventFor(await postJson(gateway, '/chat/completions', ask('mock/echo')));
    expect(event).toMatchObject({ provider: 'mock', servedModel: 'echo', promptTokens: 4, completionTokens: 4, costMicros: 12 });
  });

  it('records failures with their status and error code', async () => {
    upstream.handle((_request, res) => sendJson(res, 500, { error: { message: 'boom', type: 'server_error' } }));
    const failed = await eventFor(await postJson(gateway, '/chat/completions', ask('openai/gpt-4o-mini')));
    expect(failed).toMatchObject({ status: 500, errorCode: 'upstream_error', provider: 'openai', promptTokens: 0, costMicros: 0 });

    const invalid = await eventFor(await postJson(gateway, '/chat/completions', { model: 'mock/echo' }));
    expect(invalid).toMatchObject({ status: 400, errorCode: 'invalid_request' });

    const unknown = await eventFor(await postJson(gateway, '/chat/completions', ask('mock/nope')));
    expect(unknown).toMatchObject({ status: 404, errorCode: 'model_not_found', requestedModel: 'mock/nope' });
  });

  it('records a stream the client abandoned, with what was used so far', async () => {
    let sent!: () => void;
    const firstChunkSent = new Promise<void>((resolve) => {
      sent = resolve;
    });
    upstream.handle(async (_request, res) => {
      startSse(res);
      sendEvent(res, chunk({ role: 'assistant', content: 'partial' }));
      sent();
      await new Promise((resolve) => res.once('close', resolve));
    });
    const response = await postJson(gateway, '/chat/completions', ask('openai/gpt-4o-mini', { stream: true }));
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    await firstChunkSent;
    await reader.read();
    await reader.cancel();
    const id = response.headers.get('x-request-id');
    const deadline = Date.now() + 3000;
    let event: Awaited<ReturnType<typeof eventFor>>;
    do {
      await flushUsage(gateway);
      event = (await gateway.shuttle.runtime.repos.usageEvents.listRecent(gateway.tenantId, 500)).find((e) => e.id === id);
    } while (!event && Date.now() < deadline);
    expect(event).toMatchObject({ status: 499, errorCode: 'client_closed', streamed: true });
  });

  it('records nothing for a request that never authenticated', async () => {
    const before = await gateway.shuttle.runtime.repos.usageEvents.count(gateway.tenantId);
    await fetch(`${gateway.api}/chat/completions`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    await flushUsage(gateway);
    expect(await gateway.shuttle.runtime.repos.usageEvents.count(gateway.tenantId)).toBe(before);
  });
});
