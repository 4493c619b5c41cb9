import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { signPayload } from '../../src/metering/limits/limit-alerts.js';
import { randomBase62 } from '../../src/store/ids.js';
import { call, login } from '../helpers/api.js';
import { REDIS_URL } from '../helpers/databases.js';
import { completion, type FakeUpstream, sendJson, startFakeOpenAi } from '../helpers/fake-openai.js';
import { flushUsage, startGateway, type TestGateway } from '../helpers/gateway.js';

// gpt-4o-mini: $0.15 in and $0.60 out per million tokens. Each answer: 10 prompt + 100 completion tokens = 61.5 µ$.
const answer = completion('ok', { usage: { prompt_tokens: 10, completion_tokens: 100, total_tokens: 110 } });
const ask = { model: 'openai/gpt-4o-mini', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] };

async function slowUpstream(delayMs: number): Promise<FakeUpstream> {
  return startFakeOpenAi(async (_request, res) => {
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    sendJson(res, 200, answer);
  });
}

describe('cost limits', () => {
  let upstream: FakeUpstream;
  let gateway: TestGateway;
  let token: string;

  beforeAll(async () => {
    upstream = await slowUpstream(50);
    gateway = await startGateway({ env: { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: upstream.baseUrl } });
    token = await login(gateway);
  });

  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  beforeEach(async () => {
    await call(gateway, 'PATCH', '/tenant', {
      auth: token,
      body: { limits: { costUsd: { day: null, month: null, total: null }, requestsPerMinute: null, tokensPerMinute: null } },
    });
  });

  const complete = (key: string, headers: Record<string, string> = {}) =>
    call(gateway, 'POST', '/chat/completions', { auth: key, headers, body: ask });

  it('refuses with 402 before anything is sent upstream once the tenant’s limit is reached', async () => {
    const set = await call(gateway, 'PATCH', '/tenant', { auth: token, body: { limits: { costUsd: { day: 0.0002 } } } });
    expect(set.body.limits).toEqual({
      costUsd: { day: 0.0002, month: null, total: null },
      requestsPerMinute: null,
      tokensPerMinute: null,
      concurrentRequests: null,
    });
    let allowed = 0;
    let refusal: Record<string, unknown> | undefined;
    for (let i = 0; i < 10 && !refusal; i++) {
      const response = await complete(gateway.masterKey);
      if (response.status === 200) allowed++;
      else refusal = response.body.error;
    }
    expect(allowed).toBeGreaterThanOrEqual(2);
    expect(refusal).toMatchObject({ code: 'cost_limit_exceeded', type: 'insufficient_quota' });
    expect(String(refusal?.message)).toContain('daily cost limit of this tenant ($0.0002)');
    const sent = upstream.requests.length;
    expect((await complete(gateway.masterKey)).status).toBe(402);
    expect(upstream.requests.length).toBe(sent);
    const sdk = new OpenAI({ apiKey: gateway.masterKey, baseURL: gateway.api, maxRetries: 0 });
    await expect(sdk.chat.completions.create({ ...ask, messages: [{ role: 'user', content: 'hi' }] })).rejects.toMatchObject({
      status: 402,
      code: 'cost_limit_exceeded',
    });
  });

  it('applies a key’s limit to that key only', async () => {
    const { body: key } = await call(gateway, 'POST', '/keys', { auth: token, body: { name: 'Capped key' } });
    const capped = await call(gateway, 'PATCH', `/keys/${key.id}`, { auth: token, body: { limits: { costUsd: { total: 0.0001 } } } });
    expect(capped.body.limits.costUsd.total).toBe(0.0001);
    expect((await complete(key.key)).status).toBe(200);
    expect((await complete(key.key)).status).toBe(402);
    expect((await complete(gateway.masterKey)).status).toBe(200);
    expect(
      (await call(gateway, 'GET', '/keys', { auth: token })).body.data.find((k: { id: string }) => k.id === key.id).limits.costUsd.total,
    ).toBe(0.0001);
  });

  it('applies a customer’s limit to that customer only', async () => {
    await call(gateway, 'POST', '/customers', {
      auth: gateway.masterKey,
      body: { externalId: 'frugal', limits: { costUsd: { month: 0.0001 } } },
    });
    expect((await complete(gateway.masterKey, { 'x-shuttle-customer-id': 'frugal' })).status).toBe(200);
    const refused = await complete(gateway.masterKey, { 'x-shuttle-customer-id': 'frugal' });
    expect(refused.status).toBe(402);
    expect(refused.body.error.message).toContain('monthly cost limit of customer "frugal"');
    expect((await complete(gateway.masterKey, { 'x-shuttle-customer-id': 'spendthrift' })).status).toBe(200);
  });

  it('lets 100 parallel requests against a nearly spent limit through only as far as the budget goes', async () => {
    const customer = `parallel-${randomBase62(6)}`;
    await call(gateway, 'POST', '/customers', {
      auth: gateway.masterKey,
      body: { externalId: customer, limits: { costUsd: { day: 0.001 } } },
    });
    const before = upstream.requests.length;
    const responses = await Promise.all(
      Array.from({ length: 100 }, () => complete(gateway.masterKey, { 'x-shuttle-customer-id': customer })),
    );
    const allowed = responses.filter((r) => r.status === 200).length;
    expect(responses.every((r) => r.status === 200 || r.status === 402)).toBe(true);
    // Each request reserves its maximum (about 70 µ$ here) and really costs 61.5 µ$: at most 16 fit in 1,000 µ$.
    expect(allowed).toBeGreaterThanOrEqual(10);
    expect(allowed).toBeLessThanOrEqual(16);
    expect(upstream.requests.length - before).toBe(allowed);
    await flushUsage(gateway);
    const usage = await call(gateway, 'GET', `/customers/${customer}/usage?groupBy=none&status=success`, { auth: gateway.masterKey });
    expect(usage.body.totals.costMicros).toBeLessThanOrEqual(1000);
  });
});

describe('rate limits', () => {
  let upstream: FakeUpstream;
  let gateway: TestGateway;
  let token: string;

  beforeAll(async () => {
    upstream = await slowUpstream(0);
    gateway = await startGateway({ env: { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: upstream.baseUrl } });
    token = await login(gateway);
  });

  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  it('refuses requests over the per-minute limit with 429, Retry-After and OpenAI’s headers', async () => {
    const { body: key } = await call(gateway, 'POST', '/keys', { auth: token, body: { name: 'Three a minute' } });
    await call(gateway, 'PATCH', `/keys/${key.id}`, { auth: token, body: { limits: { requestsPerMinute: 3 } } });
    const first = await call(gateway, 'POST', '/chat/completions', { auth: key.key, body: ask });
    expect(first.headers.get('x-ratelimit-limit-requests')).toBe('3');
    expect(first.headers.get('x-ratelimit-remaining-requests')).toBe('2');
    expect(first.headers.get('x-ratelimit-reset-requests')).toMatch(/^\d+m[\d.]+s$|^[\d.]+s$/);
    await call(gateway, 'POST', '/chat/completions', { auth: key.key, body: ask });
    await call(gateway, 'POST', '/chat/completions', { auth: key.key, body: ask });
    const refused = await call(gateway, 'POST', '/chat/completions', { auth: key.key, body: ask });
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatchObject({ code: 'rate_limit_exceeded', type: 'rate_limit_error' });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    const sdk = new OpenAI({ apiKey: key.key, baseURL: gateway.api, maxRetries: 0 });
    await expect(sdk.chat.completions.create({ ...ask, messages: [{ role: 'user', content: 'hi' }] })).rejects.toBeInstanceOf(
      OpenAI.RateLimitError,
    );
    expect((await call(gateway, 'POST', '/chat/completions', { auth: gateway.masterKey, body: ask })).status).toBe(200);
  });

  it('counts tokens per minute, and says when a single request is too large', async () => {
    await call(gateway, 'POST', '/customers', { auth: gateway.masterKey, body: { externalId: 'tpm', limits: { tokensPerMinute: 500 } } });
    const headers = { 'x-shuttle-customer-id': 'tpm' };
    const ok = await call(gateway, 'POST', '/chat/completions', { auth: gateway.masterKey, headers, body: ask });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('x-ratelimit-limit-tokens')).toBe('500');
    const huge = await call(gateway, 'POST', '/chat/completions', { auth: gateway.masterKey, headers, body: { ...ask, max_tokens: 5000 } });
    expect(huge.status).toBe(429);
    expect(huge.body.error.message).toContain('lower max_tokens');
  });
});

describe('limit alerts', () => {
  let upstream: FakeUpstream;
  let gateway: TestGateway;
  const received: Array<{ headers: IncomingHttpHeaders; body: string }> = [];
  let hookUrl: string;
  const hook = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.end('ok');
    });
  });

  beforeAll(async () => {
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hooks/shuttle`;
    upstream = await slowUpstream(0);
    gateway = await startGateway({ env: { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: upstream.baseUrl } });
  });

  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
    hook.close();
  });

  it('calls the tenant’s webhook once per period when spend crosses a threshold, signed', async () => {
    const token = await login(gateway);
    const set = await call(gateway, 'PATCH', '/tenant', {
      auth: token,
      body: { alerts: { webhookUrl: hookUrl, thresholds: [0.5] }, limits: { costUsd: { month: 0.001 } } },
    });
    const secret = set.body.alerts.signingSecret as string;
    expect(secret).toMatch(/^whsec_/);
    for (let i = 0; i < 12; i++) await call(gateway, 'POST', '/chat/completions', { auth: gateway.masterKey, body: ask });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(received).toHaveLength(1);
    const [alert] = received;
    const payload = JSON.parse(alert?.body ?? '{}');
    expect(payload).toMatchObject({ type: 'limit.threshold_crossed', scope: 'tenant', period: 'month', threshold: 0.5, limitUsd: 0.001 });
    expect(payload.spentUsd).toBeGreaterThanOrEqual(0.0005);
    const signature = String(alert?.headers['x-shuttle-signature']);
    const timestamp = Number(/t=(\d+)/.exec(signature)?.[1]);
    expect(signature).toBe(signPayload(secret, timestamp, alert?.body ?? ''));
    expect((await call(gateway, 'GET', '/tenant', { auth: token })).body.alerts.signingSecret).toBe(secret);
  });
});

describe('limits shared by instances through Redis', () => {
  let upstream: FakeUpstream;
  let a: TestGateway;
  let b: TestGateway;

  beforeAll(async () => {
    upstream = await slowUpstream(0);
    const env = {
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: upstream.baseUrl,
      REDIS_URL,
      SHUTTLE_REDIS_PREFIX: `test-${randomBase62(8)}:`,
    };
    a = await startGateway({ dialect: 'postgres', env });
    b = await startGateway({ dialect: 'postgres', env, sharing: a });
  });

  afterAll(async () => {
    await b?.close();
    await a?.close();
    await upstream?.close();
  });

  it('counts requests and spend across instances, and a limit change reaches both', async () => {
    const token = await login(a);
    await call(a, 'PATCH', '/tenant', { auth: token, body: { limits: { requestsPerMinute: 4 } } });
    const statuses: number[] = [];
    for (const gateway of [a, b, a, b, a])
      statuses.push((await call(gateway, 'POST', '/chat/completions', { auth: a.masterKey, body: ask })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 429]);

    await call(a, 'PATCH', '/tenant', { auth: token, body: { limits: { requestsPerMinute: null } } });
    await call(a, 'POST', '/customers', { auth: a.masterKey, body: { externalId: 'shared', limits: { costUsd: { total: 0.0001 } } } });
    const headers = { 'x-shuttle-customer-id': 'shared' };
    expect((await call(b, 'POST', '/chat/completions', { auth: a.masterKey, headers, body: ask })).status).toBe(200);
    expect((await call(a, 'POST', '/chat/completions', { auth: a.masterKey, headers, body: ask })).status).toBe(402);
  });
});
