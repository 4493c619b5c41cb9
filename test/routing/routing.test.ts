import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RETRIED_STATUSES } from '../../src/domain/routing-rule.js';
import { UpstreamError } from '../../src/errors/shuttle-error.js';
import { isRetryable } from '../../src/gateway/upstream-failure.js';
import { randomBase62 } from '../../src/store/ids.js';
import { call, login } from '../helpers/api.js';
import { REDIS_URL } from '../helpers/databases.js';
import {
  chunk,
  completion,
  type FakeHandler,
  type FakeUpstream,
  sendEvent,
  sendJson,
  startFakeOpenAi,
  startSse,
} from '../helpers/fake-openai.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';

const ok: (name: string) => FakeHandler = (name) => (request, res) => {
  if (request.body.stream === true) {
    startSse(res);
    sendEvent(res, chunk({ role: 'assistant', content: name }));
    sendEvent(res, chunk({}, 'stop'));
    res.end('data: [DONE]\n\n');
    return;
  }
  sendJson(res, 200, completion(name, { model: String(request.body.model) }));
};
const fail =
  (status: number): FakeHandler =>
  (_request, res) =>
    sendJson(res, status, { error: { message: `failed with ${status}`, type: 'server_error' } });
const hang: FakeHandler = () => new Promise(() => undefined);
const delayed =
  (ms: number, name: string): FakeHandler =>
  async (request, res) => {
    await new Promise((resolve) => setTimeout(resolve, ms));
    ok(name)(request, res);
  };

describe('routing rules', () => {
  let primary: FakeUpstream;
  let backup: FakeUpstream;
  let gateway: TestGateway;
  let token: string;

  beforeAll(async () => {
    primary = await startFakeOpenAi(ok('primary'));
    backup = await startFakeOpenAi(ok('backup'));
    gateway = await startGateway();
    token = await login(gateway);
    for (const [name, upstream] of [
      ['primary', primary],
      ['backup', backup],
    ] as const) {
      for (const environment of ['production', 'development']) {
        await call(gateway, 'POST', '/providers', {
          auth: token,
          body: { name, type: 'openai', baseUrl: upstream.baseUrl, apiKey: `sk-${name}`, environment },
        });
      }
    }
  });

  afterAll(async () => {
    await gateway?.close();
    await primary?.close();
    await backup?.close();
  });

  beforeEach(() => {
    primary.handle(ok('primary'));
    backup.handle(ok('backup'));
    primary.requests.length = 0;
    backup.requests.length = 0;
  });

  let ruleCount = 0;
  // Health is kept per target (connection and model), shared by every rule that uses it: each rule here gets models
  // of its own, so one test's failures don't cool down another's targets.
  async function rule(body: Record<string, unknown>): Promise<string> {
    const alias = `rule-${++ruleCount}`;
    const saved = await call(gateway, 'PUT', `/routing-rules/${alias}`, {
      auth: token,
      body: {
        environment: 'production',
        targets: [
          { provider: 'primary', model: `primary-model-${ruleCount}` },
          { provider: 'backup', model: 'gpt-4o' },
        ],
        ...body,
      },
    });
    expect(saved.status, JSON.stringify(saved.body)).toBe(201);
    return alias;
  }
  const ask = (model: string, extra: Record<string, unknown> = {}) =>
    call(gateway, 'POST', '/chat/completions', {
      auth: gateway.masterKey,
      body: { model, messages: [{ role: 'user', content: 'hi' }], ...extra },
    });

  it('falls back to the next target on a 500, saying who served and how many attempts it took', async () => {
    const alias = await rule({ strategy: 'fallback' });
    primary.handle(fail(500));
    const response = await ask(alias);
    expect(response.status).toBe(200);
    expect(response.body.choices[0].message.content).toBe('backup');
    expect(response.headers.get('x-shuttle-provider')).toBe('backup');
    expect(response.headers.get('x-shuttle-attempts')).toBe('2');
    expect(backup.requests[0]?.body.model).toBe('gpt-4o');
  });

  it('falls back on a 429 and on a timeout', async () => {
    const alias = await rule({ timeoutMs: 300 });
    primary.handle(fail(429));
    expect((await ask(alias)).headers.get('x-shuttle-provider')).toBe('backup');
    primary.handle(hang);
    const timedOut = await ask(alias);
    expect(timedOut.status).toBe(200);
    expect(timedOut.headers.get('x-shuttle-provider')).toBe('backup');
  });

  it('retries a target before falling back, with backoff', async () => {
    const alias = await rule({ retry: { attempts: 3, backoffMs: 5, on: [503] } });
    let calls = 0;
    primary.handle((request, res) => (++calls < 3 ? fail(503)(request, res) : ok('primary')(request, res)));
    const response = await ask(alias);
    expect(response.body.choices[0].message.content).toBe('primary');
    expect(response.headers.get('x-shuttle-attempts')).toBe('3');
    expect(backup.requests).toHaveLength(0);
  });

  /** Answers the first call with `status` and `Retry-After: retryAfter`, then succeeds; notes when each call came. */
  function busyOnce(status: number, retryAfter: () => string): { arrivals: number[]; handler: FakeHandler } {
    const arrivals: number[] = [];
    const handler: FakeHandler = (request, res) => {
      arrivals.push(performance.now());
      if (arrivals.length > 1) return ok('primary')(request, res);
      sendJson(res, status, { error: { message: 'slow down', type: 'rate_limit_error' } }, { 'retry-after': retryAfter() });
    };
    return { arrivals, handler };
  }

  it('waits for the provider’s Retry-After in seconds before retrying, when the wait fits in the timeout', async () => {
    const alias = await rule({ timeoutMs: 5_000, retry: { attempts: 2, backoffMs: 5, on: [429] } });
    const busy = busyOnce(429, () => '1');
    primary.handle(busy.handler);
    const response = await ask(alias);
    expect(response.body.choices[0].message.content).toBe('primary');
    expect(response.headers.get('x-shuttle-attempts')).toBe('2');
    const [first = 0, second = 0] = busy.arrivals;
    // Never before the provider said (the backoff alone would have retried within 5 ms).
    expect(second - first).toBeGreaterThanOrEqual(990);
  });

  it('waits for a Retry-After given as an HTTP date', async () => {
    const alias = await rule({ timeoutMs: 5_000, retry: { attempts: 2, backoffMs: 5, on: [503] } });
    // An HTTP date has whole seconds: two seconds ahead is at least one second's wait.
    const busy = busyOnce(503, () => new Date(Date.now() + 2_000).toUTCString());
    primary.handle(busy.handler);
    const response = await ask(alias);
    expect(response.body.choices[0].message.content).toBe('primary');
    const [first = 0, second = 0] = busy.arrivals;
    expect(second - first).toBeGreaterThanOrEqual(950);
  });

  it('falls back at once, without retrying, when the Retry-After is beyond the timeout', async () => {
    const alias = await rule({ timeoutMs: 1_000, retry: { attempts: 3, backoffMs: 5, on: [429] } });
    const busy = busyOnce(429, () => '30');
    primary.handle(busy.handler);
    const response = await ask(alias);
    expect(response.status).toBe(200);
    expect(response.headers.get('x-shuttle-provider')).toBe('backup');
    expect(response.headers.get('x-shuttle-attempts')).toBe('2');
    expect(busy.arrivals).toHaveLength(1);
  });

  it('answers the provider’s 429 and its Retry-After at once when no other target is left', async () => {
    const alias = await rule({
      timeoutMs: 1_000,
      retry: { attempts: 3, backoffMs: 5, on: [429] },
      targets: [{ provider: 'primary', model: 'primary-model-alone' }],
    });
    const busy = busyOnce(429, () => '30');
    primary.handle(busy.handler);
    const response = await ask(alias);
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('30');
    expect(busy.arrivals).toHaveLength(1);
  });

  it('does not retry or fall back on a client error, and says so', async () => {
    const alias = await rule({ retry: { attempts: 3, backoffMs: 5, on: [500] } });
    primary.handle(fail(400));
    const response = await ask(alias);
    expect(response.status).toBe(400);
    expect(response.body.error.provider).toBe('primary');
    expect(primary.requests).toHaveLength(1);
    expect(backup.requests).toHaveLength(0);
  });

  it('falls back on exactly the provider statuses isRetryable() retries, so the gateway has no other rule', async () => {
    for (const status of [400, 404, 409, 422, 429, 500, 501, 502, 503, 504, 505]) {
      const alias = await rule({}); // a target of its own, which no earlier failure has cooled down
      primary.handle(fail(status));
      const response = await ask(alias);
      const retried = isRetryable(new UpstreamError('primary', 'upstream_error', { status }), RETRIED_STATUSES);
      if (retried) expect(response.headers.get('x-shuttle-provider'), `after a ${status}`).toBe('backup');
      else expect([response.status, response.body.error?.provider], `after a ${status}`).toEqual([status, 'primary']);
    }
  });

  it('answers with the last failure when every target fails', async () => {
    const alias = await rule({});
    primary.handle(fail(500));
    backup.handle(fail(503));
    const response = await ask(alias);
    expect(response.status).toBe(503);
    expect(response.body.error.provider).toBe('backup');
  });

  it('spreads traffic by weight, within tolerance', async () => {
    const alias = await rule({
      strategy: 'weighted',
      targets: [
        { provider: 'primary', model: 'a', weight: 3 },
        { provider: 'backup', model: 'b', weight: 1 },
      ],
    });
    for (let i = 0; i < 400; i++) await ask(alias);
    const share = primary.requests.length / 400;
    expect(share).toBeGreaterThan(0.68);
    expect(share).toBeLessThan(0.82);
    expect(primary.requests.length + backup.requests.length).toBe(400);
  });

  it('prefers the target with the least latency once it has measured them', async () => {
    const alias = await rule({ strategy: 'least-latency' });
    primary.handle(delayed(60, 'primary'));
    backup.handle(delayed(5, 'backup'));
    for (let i = 0; i < 12; i++) await ask(alias);
    expect(backup.requests.length).toBeGreaterThanOrEqual(10);
    expect(primary.requests.length).toBeGreaterThanOrEqual(1);
  });

  it('cools a failing target down, then probes it back into rotation', async () => {
    const alias = await rule({ cooldown: { afterFailures: 2, seconds: 1 } });
    primary.handle(fail(500));
    await ask(alias);
    await ask(alias);
    expect(primary.requests).toHaveLength(2);
    for (let i = 0; i < 5; i++) expect((await ask(alias)).headers.get('x-shuttle-provider')).toBe('backup');
    expect(primary.requests).toHaveLength(2);
    primary.handle(ok('primary'));
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await ask(alias)).headers.get('x-shuttle-provider')).toBe('primary');
    expect((await ask(alias)).headers.get('x-shuttle-provider')).toBe('primary');
  });

  it('falls back for a stream that fails before its first byte', async () => {
    const alias = await rule({});
    primary.handle(fail(502));
    const response = await fetch(`${gateway.api}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gateway.masterKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: alias, stream: true, messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-shuttle-provider')).toBe('backup');
    expect(await response.text()).toContain('"content":"backup"');
  });

  it('ends a stream that breaks after its first byte with an error event, without falling back', async () => {
    const alias = await rule({});
    primary.handle((_request, res) => {
      startSse(res);
      sendEvent(res, chunk({ role: 'assistant', content: 'partial' }));
      setTimeout(() => res.socket?.destroy(), 20);
    });
    const response = await fetch(`${gateway.api}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gateway.masterKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: alias, stream: true, messages: [{ role: 'user', content: 'hi' }] }),
    });
    const text = await response.text();
    expect(text).toContain('partial');
    expect(text).toMatch(/data: \{"error":\{"message":.*"code":"upstream_/);
    expect(text).not.toContain('[DONE]');
    expect(backup.requests).toHaveLength(0);
  });

  it('sets a target’s overrides on the request it sends', async () => {
    const alias = await rule({ targets: [{ provider: 'primary', model: 'overridden', overrides: { temperature: 0.1, max_tokens: 7 } }] });
    await ask(alias, { temperature: 0.9 });
    expect(primary.requests[0]?.body).toMatchObject({ model: 'overridden', temperature: 0.1, max_tokens: 7 });
  });

  it('lets a rule claim a real model name', async () => {
    await call(gateway, 'PUT', '/routing-rules/gpt-4o', {
      auth: token,
      body: { environment: 'production', targets: [{ provider: 'backup', model: 'gpt-4o-2024-08-06' }] },
    });
    expect((await ask('gpt-4o')).headers.get('x-shuttle-provider')).toBe('backup');
    expect(backup.requests[0]?.body.model).toBe('gpt-4o-2024-08-06');
  });

  it('routes by the key’s environment', async () => {
    await call(gateway, 'PUT', '/routing-rules/env-test', {
      auth: token,
      body: { environment: 'development', targets: [{ provider: 'backup', model: 'dev-model' }] },
    });
    const devKey = (await call(gateway, 'POST', '/keys', { auth: token, body: { name: 'Dev', environment: 'development' } })).body
      .key as string;
    const dev = await call(gateway, 'POST', '/chat/completions', {
      auth: devKey,
      body: { model: 'env-test', messages: [{ role: 'user', content: 'x' }] },
    });
    expect(dev.headers.get('x-shuttle-provider')).toBe('backup');
    expect((await ask('env-test')).status).toBe(404);
    const devModels = (await call(gateway, 'GET', '/models', { auth: devKey })).body.data.map((m: { id: string }) => m.id);
    expect(devModels).toContain('env-test');
    expect((await call(gateway, 'GET', '/models', { auth: gateway.masterKey })).body.data.map((m: { id: string }) => m.id)).not.toContain(
      'env-test',
    );
    const crossing = await call(gateway, 'POST', '/chat/completions', {
      auth: devKey,
      headers: { 'x-shuttle-environment': 'production' },
      body: { model: 'env-test', messages: [{ role: 'user', content: 'x' }] },
    });
    expect(crossing.status).toBe(403);
    const asUser = await call(gateway, 'POST', '/chat/completions', {
      auth: token,
      headers: { 'x-shuttle-environment': 'development' },
      body: { model: 'env-test', messages: [{ role: 'user', content: 'x' }] },
    });
    expect(asUser.status).toBe(200);
  });

  it('refuses models outside the tenant’s or the key’s allowed list with 403 model_not_allowed', async () => {
    const { body: key } = await call(gateway, 'POST', '/keys', { auth: token, body: { name: 'Only mock' } });
    await call(gateway, 'PATCH', `/keys/${key.id}`, { auth: token, body: { allowedModels: ['mock/*'] } });
    const refused = await call(gateway, 'POST', '/chat/completions', {
      auth: key.key,
      body: { model: 'primary/gpt-4o', messages: [{ role: 'user', content: 'x' }] },
    });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({ code: 'model_not_allowed', param: 'model' });
    expect(
      (
        await call(gateway, 'POST', '/chat/completions', {
          auth: key.key,
          body: { model: 'mock/echo', messages: [{ role: 'user', content: 'x' }] },
        })
      ).status,
    ).toBe(200);
    const models = (await call(gateway, 'GET', '/models', { auth: key.key })).body.data.map((m: { id: string }) => m.id);
    expect(models.length).toBeGreaterThan(0);
    expect(models.every((id: string) => id.startsWith('mock/'))).toBe(true);

    await call(gateway, 'PATCH', '/tenant', { auth: token, body: { allowedModels: ['rule-*', 'gpt-4o'] } });
    expect((await ask('mock/echo')).body.error?.code).toBe('model_not_allowed');
    expect((await ask('gpt-4o')).status).toBe(200);
    await call(gateway, 'PATCH', '/tenant', { auth: token, body: { allowedModels: null } });
    expect((await ask('mock/echo')).status).toBe(200);
  });
});

describe('routing rule changes reach every instance', () => {
  let a: TestGateway;
  let b: TestGateway;

  beforeAll(async () => {
    const env = { REDIS_URL, SHUTTLE_REDIS_PREFIX: `test-${randomBase62(8)}:` };
    a = await startGateway({ dialect: 'postgres', env });
    b = await startGateway({ dialect: 'postgres', env, sharing: a });
  });

  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('within a second', async () => {
    const token = await login(a);
    const ask = () =>
      call(b, 'POST', '/chat/completions', { auth: a.masterKey, body: { model: 'fast', messages: [{ role: 'user', content: 'x' }] } });
    expect((await ask()).status).toBe(404);
    await call(a, 'PUT', '/routing-rules/fast', {
      auth: token,
      body: { environment: 'production', targets: [{ provider: 'mock', model: 'echo' }] },
    });
    const started = Date.now();
    while ((await ask()).status !== 200) {
      expect(Date.now() - started).toBeLessThan(1000);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  });
});
