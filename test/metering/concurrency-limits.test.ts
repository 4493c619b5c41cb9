// Concurrency limits in one instance (in memory): at most N requests of a tenant (or its plan), key or customer in
// flight at once, streams counted until they end; the next one is refused with 429 concurrency_limit_exceeded in its
// API's error shape, and a slot comes back when a request ends — answered, failed, or left by its client.
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { NO_LIMITS } from '../../src/domain/limits.js';
import { call, login } from '../helpers/api.js';
import { chunk, defaultHandler, type FakeUpstream, sendEvent, sendJson, startFakeOpenAi, startSse } from '../helpers/fake-openai.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { pollUntil } from '../helpers/poll.js';
import { assignPlan, makeOperator } from '../operators/operator-helpers.js';

const HOLD = 'hold';

/** A request the fake provider holds: it answers its first chunk (or nothing, unstreamed) and waits to be told. */
interface Held {
  res: ServerResponse;
  stream: boolean;
}

describe('concurrency limits (in memory)', () => {
  let upstream: FakeUpstream;
  let gateway: TestGateway;
  let token: string;
  const held: Held[] = [];

  beforeAll(async () => {
    upstream = await startFakeOpenAi((request, res) => {
      const messages = request.body.messages as Array<{ content: string }> | undefined;
      if (messages?.[0]?.content !== HOLD) return defaultHandler(request, res);
      const stream = request.body.stream === true;
      if (stream) {
        startSse(res);
        sendEvent(res, chunk({ role: 'assistant', content: '' }));
      }
      held.push({ res, stream });
    });
    gateway = await startGateway({
      env: { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: upstream.baseUrl },
    });
    await makeOperator(gateway);
    token = await login(gateway);
  });

  afterAll(async () => {
    for (const { res } of held) res.destroy();
    await gateway?.close();
    await upstream?.close();
  });

  beforeEach(async () => {
    for (const { res } of held.splice(0)) res.destroy();
    await assignPlan(gateway, token, null);
    await call(gateway, 'PATCH', '/tenant', { auth: token, body: { limits: { concurrentRequests: null } } });
  });

  /** Starts a chat the provider holds; resolves once its answer has begun (a stream's headers), with its reader. */
  const holdStream = async (key = gateway.masterKey, headers: Record<string, string> = {}) => {
    const abort = new AbortController();
    const before = held.length;
    const response = await fetch(`${gateway.api}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ model: 'openai/gpt-4o-mini', stream: true, messages: [{ role: 'user', content: HOLD }] }),
      signal: abort.signal,
    });
    expect(response.status).toBe(200);
    const upstreamSide = held[before] as Held;
    return {
      abort: () => abort.abort(),
      /** The provider finishes the stream; resolves once the client has read all of it. */
      finish: async () => {
        sendEvent(upstreamSide.res, chunk({ content: 'done' }, 'stop'));
        upstreamSide.res.end('data: [DONE]\n\n');
        return response.text();
      },
      /** The provider's connection breaks mid-stream. */
      breakOff: async () => {
        upstreamSide.res.destroy();
        return response.text().catch(() => '');
      },
    };
  };

  const probe = (key = gateway.masterKey, headers: Record<string, string> = {}) =>
    call(gateway, 'POST', '/chat/completions', {
      auth: key,
      headers,
      body: { model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'quick' }] },
    });

  const admittedAgain = (key = gateway.masterKey, headers: Record<string, string> = {}) =>
    pollUntil(
      async () => (await probe(key, headers)).status,
      (status) => status === 200,
      { withinMs: 5000 },
    );

  it('lets N requests of the tenant run at once and refuses the next with 429, Retry-After: 1, until one ends', async () => {
    const set = await call(gateway, 'PATCH', '/tenant', { auth: token, body: { limits: { concurrentRequests: 2 } } });
    expect(set.body.limits).toEqual({ ...NO_LIMITS, concurrentRequests: 2 });
    const first = await holdStream();
    const second = await holdStream();
    const refused = await probe();
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(refused.body.error).toMatchObject({ code: 'concurrency_limit_exceeded', type: 'rate_limit_error', param: null });
    expect(refused.body.error.message).toContain('this tenant: limit 2 at once');
    const sent = upstream.requests.length;
    expect((await probe()).status).toBe(429);
    expect(upstream.requests.length, 'a refused request reached the provider').toBe(sent);

    expect(await first.finish()).toContain('[DONE]');
    expect(await admittedAgain(), 'a slot did not come back when a stream ended').toBe(200);
    const third = await holdStream();
    expect((await probe()).status, 'two streams in flight again, yet a third request was let in').toBe(429);
    await second.finish();
    await third.finish();
    expect(await admittedAgain()).toBe(200);
  });

  it('gives the slot back when the client leaves mid-stream, and when the provider fails', async () => {
    await call(gateway, 'PATCH', '/tenant', { auth: token, body: { limits: { concurrentRequests: 1 } } });
    const left = await holdStream();
    expect((await probe()).status).toBe(429);
    left.abort();
    expect(await admittedAgain(), 'the slot of a stream its client left was not given back').toBe(200);

    const broken = await holdStream();
    expect((await probe()).status).toBe(429);
    await broken.breakOff();
    expect(await admittedAgain(), 'the slot of a stream the provider broke off was not given back').toBe(200);

    // A plain request that the provider fails (400: not retried) ends with an error, and gives its slot back.
    const failing = fetch(`${gateway.api}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gateway.masterKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: HOLD }] }),
    });
    const waiting = await pollUntil(
      () => held.length,
      (n) => n === 3,
      { withinMs: 5000 },
    );
    expect(waiting).toBe(3);
    expect((await probe()).status).toBe(429);
    sendJson((held[2] as Held).res, 400, { error: { message: 'bad', type: 'invalid_request_error' } });
    expect((await failing).status).toBe(400);
    expect(await admittedAgain(), 'the slot of a failed request was not given back').toBe(200);
  });

  it('caps a key and a customer on their own, naming them; other keys and customers are not held back', async () => {
    const { body: key } = await call(gateway, 'POST', '/keys', { auth: token, body: { name: 'batch' } });
    const capped = await call(gateway, 'PATCH', `/keys/${key.id}`, { auth: token, body: { limits: { concurrentRequests: 1 } } });
    expect(capped.body.limits.concurrentRequests).toBe(1);
    const byKey = await holdStream(key.key);
    const refused = await probe(key.key);
    expect(refused.status).toBe(429);
    expect(refused.body.error.message).toContain('key "batch"');
    expect((await probe()).status).toBe(200);
    await byKey.finish();

    const customer = await call(gateway, 'POST', '/customers', {
      auth: token,
      body: { externalId: 'acme-7', limits: { concurrentRequests: 1 } },
    });
    expect(customer.body.limits.concurrentRequests).toBe(1);
    const asAcme = { 'x-shuttle-customer-id': 'acme-7' };
    const byCustomer = await holdStream(gateway.masterKey, asAcme);
    const refusedCustomer = await probe(gateway.masterKey, asAcme);
    expect(refusedCustomer.status).toBe(429);
    expect(refusedCustomer.body.error.message).toContain('customer "acme-7"');
    expect((await probe(gateway.masterKey, { 'x-shuttle-customer-id': 'other-8' })).status).toBe(200);
    await byCustomer.finish();
    expect(await admittedAgain(gateway.masterKey, asAcme)).toBe(200);
  });

  it('refuses in each API’s error shape: messages (Anthropic’s), responses, embeddings and flow runs (OpenAI’s)', async () => {
    const admin = (method: string, path: string, body?: unknown) => call(gateway, method, path, { auth: token, body });
    await admin('POST', '/flows', { title: 'Busy flow' });
    const version = await admin('POST', '/flows/busy-flow/versions', {
      templates: { main: { template: 'Hi [[name]].', llm: 'gpt-4o-mini' } },
    });
    await admin('POST', `/flows/busy-flow/versions/${version.body.version}/environments`, { environment: 'production' });
    await admin('PATCH', '/tenant', { limits: { concurrentRequests: 1 } });
    const busy = await holdStream();

    const messages = await call(gateway, 'POST', '/messages', {
      headers: { 'x-api-key': gateway.masterKey, 'anthropic-version': '2023-06-01' },
      body: { model: 'openai/gpt-4o-mini', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] },
    });
    expect(messages.status).toBe(429);
    expect(messages.headers.get('retry-after')).toBe('1');
    expect(messages.body).toMatchObject({ type: 'error', error: { type: 'rate_limit_error' } });
    expect(messages.body.error.message).toContain('in flight');

    const openAiShaped = [
      await call(gateway, 'POST', '/responses', { auth: gateway.masterKey, body: { model: 'openai/gpt-4o-mini', input: 'hi' } }),
      await call(gateway, 'POST', '/embeddings', {
        auth: gateway.masterKey,
        body: { model: 'openai/text-embedding-3-small', input: 'hi' },
      }),
      await call(gateway, 'POST', '/flows/busy-flow/runs', { auth: gateway.masterKey, body: { parameters: { name: 'x' } } }),
    ];
    for (const refused of openAiShaped) {
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toBe('1');
      expect(refused.body.error).toMatchObject({ code: 'concurrency_limit_exceeded', type: 'rate_limit_error' });
    }
    await busy.finish();
    const run = await pollUntil(
      async () =>
        (await call(gateway, 'POST', '/flows/busy-flow/runs', { auth: gateway.masterKey, body: { parameters: { name: 'x' } } })).status,
      (status) => status === 200,
      { withinMs: 5000 },
    );
    expect(run).toBe(200);
  });

  it('applies a plan’s maxConcurrentRequests to each of its tenants, the stricter of plan and tenant binding', async () => {
    await assignPlan(gateway, token, { maxConcurrentRequests: 1 });
    await call(gateway, 'PATCH', '/tenant', { auth: token, body: { limits: { concurrentRequests: 3 } } });
    const busy = await holdStream();
    const refused = await probe();
    expect(refused.status).toBe(429);
    expect(refused.body.error.message).toContain('this tenant’s plan: limit 1 at once');
    await busy.finish();
    expect(await admittedAgain()).toBe(200);
  });
});
