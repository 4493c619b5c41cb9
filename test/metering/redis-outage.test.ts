// Redis going away (killed, or frozen) degrades the gateway instead of hanging it: requests with limits answer at
// once from per-instance counts (or 503 limits_unavailable in closed mode), logins and revocations work, an instance
// starts without Redis, and everything is shared again once Redis is back. Each test runs its own redis-server.
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { randomBase62 } from '../../src/store/ids.js';
import { type ApiResponse, call, chat, login, OWNER } from '../helpers/api.js';
import { completion, type FakeUpstream, sendJson, startFakeOpenAi } from '../helpers/fake-openai.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { pollUntil } from '../helpers/poll.js';
import { type OwnRedis, startOwnRedis } from '../helpers/redis-server.js';

/**
 * Not a timing target: a bound far above a request's cost even on a loaded two-core machine, and below the 6 to 40 s
 * the behaviour this replaces took (waiting on a dead Redis's reconnections).
 */
const PROMPT_MS = 5000;

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function ownRedis(options: { started?: boolean } = {}): Promise<OwnRedis> {
  const redis = await startOwnRedis(options);
  cleanups.push(() => redis.close());
  return redis;
}

async function gatewayOn(redis: OwnRedis, env: Record<string, string> = {}, sharing?: TestGateway): Promise<TestGateway> {
  const gateway = await startGateway({
    dialect: 'postgres',
    env: {
      REDIS_URL: redis.url,
      SHUTTLE_REDIS_PREFIX: `outage-${randomBase62(8)}:`,
      SHUTTLE_KEY_CACHE_TTL_MS: '600000',
      // A budget that Redis meets on a loaded machine (the default is 100 ms), still far within the bound asserted.
      SHUTTLE_REDIS_TIMEOUT_MS: '300',
      ...env,
    },
    ...(sharing ? { sharing } : {}),
  });
  cleanups.push(() => gateway.close());
  return gateway;
}

/** Answers and how long each took. */
async function timed<T>(request: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await request();
  return { result, ms: performance.now() - started };
}

async function eventually(check: () => Promise<boolean>, withinMs = 15_000): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not true within ${withinMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function subKeyWithRpm(gateway: TestGateway, token: string, requestsPerMinute: number): Promise<{ id: string; key: string }> {
  const created = await call(gateway, 'POST', '/keys', { auth: token, body: { name: `limited-${randomBase62(4)}` } });
  const limited = await call(gateway, 'PATCH', `/keys/${created.body.id}`, { auth: token, body: { limits: { requestsPerMinute } } });
  expect(limited.status).toBe(200);
  return { id: created.body.id, key: created.body.key };
}

async function keysIn(redis: OwnRedis, pattern: string): Promise<string[]> {
  const client = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await client.connect();
    return await client.keys(pattern);
  } finally {
    client.disconnect();
  }
}

describe('Redis outage, local mode (the default)', () => {
  it('requests with limits answer at once from this instance’s counts, which still enforce the limit', async () => {
    const redis = await ownRedis();
    const gateway = await gatewayOn(redis);
    const token = await login(gateway);
    const limited = await subKeyWithRpm(gateway, token, 3);
    expect((await chat(gateway, limited.key)).status).toBe(200);
    const readiness = async () => {
      const response = await fetch(`${gateway.url}/readyz`);
      return { status: response.status, redis: ((await response.json()) as { redis: string }).redis };
    };
    expect(await readiness()).toEqual({ status: 200, redis: 'ok' });

    await redis.kill();
    // Reported, but still ready: requests are served on this instance's counts.
    expect(await pollUntil(readiness, (ready) => ready.redis === 'degraded', { withinMs: 5000 })).toEqual({
      status: 200,
      redis: 'degraded',
    });
    const answers: Array<{ result: ApiResponse; ms: number }> = [];
    for (let i = 0; i < 4; i++) answers.push(await timed(() => chat(gateway, limited.key)));
    // This instance counts on its own: the limit of 3 a minute holds (the request before the kill may have been
    // counted here too, had Redis been slow to answer it).
    const statuses = answers.map((a) => a.result.status);
    expect(statuses.at(-1)).toBe(429);
    expect(statuses.filter((status) => status === 200).length).toBeGreaterThanOrEqual(2);
    expect(statuses.filter((status) => status !== 200 && status !== 429)).toEqual([]);
    for (const answer of answers) expect(answer.ms).toBeLessThan(PROMPT_MS);
  });

  it('logins are checked and throttled, revocations answer success and take effect, with Redis killed', async () => {
    const redis = await ownRedis();
    const gateway = await gatewayOn(redis, { SHUTTLE_LOGIN_MAX_FAILURES: '2' });
    const token = await login(gateway);
    const { body: subKey } = await call(gateway, 'POST', '/keys', { auth: token, body: { name: 'soon revoked' } });
    expect((await chat(gateway, subKey.key)).status).toBe(200);

    await redis.kill();
    const revoked = await timed(() => call(gateway, 'DELETE', `/keys/${subKey.id}`, { auth: token }));
    expect(revoked.result.status).toBeLessThan(300);
    expect(revoked.ms).toBeLessThan(PROMPT_MS);
    expect((await chat(gateway, subKey.key)).status).toBe(401);

    const good = await timed(() => call(gateway, 'POST', '/auth/login', { body: OWNER }));
    expect(good.result.status).toBe(200);
    expect(good.ms).toBeLessThan(PROMPT_MS);
    const wrong = { email: 'nobody@acme.test', password: 'wrong' };
    const failures = [];
    for (let i = 0; i < 3; i++) failures.push((await call(gateway, 'POST', '/auth/login', { body: wrong })).status);
    expect(failures).toEqual([401, 401, 429]);
  });

  it('an instance starts without Redis, serves, and shares its counts once Redis comes', async () => {
    const redis = await ownRedis({ started: false });
    const started = await timed(() => gatewayOn(redis));
    const gateway = started.result;
    expect(started.ms).toBeLessThan(20_000);
    const token = await login(gateway);
    const limited = await subKeyWithRpm(gateway, token, 100);
    expect((await chat(gateway, limited.key)).status).toBe(200);

    await redis.start();
    await eventually(async () => {
      expect((await chat(gateway, limited.key)).status).toBe(200);
      return (await keysIn(redis, '*rate:key:*')).length > 0;
    });
  });

  it('after Redis is back, every instance forgets the keys it cached: a key revoked meanwhile is refused everywhere', async () => {
    const redis = await ownRedis();
    const a = await gatewayOn(redis);
    const b = await gatewayOn(redis, {}, a);
    const token = await login(a);
    const { body: subKey } = await call(a, 'POST', '/keys', { auth: token, body: { name: 'revoked in the outage' } });
    expect((await chat(b, subKey.key)).status).toBe(200);

    await redis.kill();
    expect((await call(a, 'DELETE', `/keys/${subKey.id}`, { auth: token })).status).toBeLessThan(300);
    // B cached the key for ten minutes and cannot hear of the revocation while Redis is away.
    expect((await chat(b, subKey.key)).status).toBe(200);
    await redis.start();
    await eventually(async () => (await chat(b, subKey.key)).status === 401);
  });
});

// gpt-4o-mini: $0.15 in and $0.60 out per million tokens. Each answer: 10 prompt + 100 completion tokens.
const answer = completion('ok', { usage: { prompt_tokens: 10, completion_tokens: 100, total_tokens: 110 } });
const ask = { model: 'openai/gpt-4o-mini', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] };

describe('Redis that stops answering (frozen)', () => {
  it('requests give up on it within the budget, and the costs of the freeze reach the shared counter afterwards', async () => {
    const upstream: FakeUpstream = await startFakeOpenAi((_request, res) => sendJson(res, 200, answer));
    cleanups.push(() => upstream.close());
    const redis = await ownRedis();
    const gateway = await gatewayOn(redis, { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: upstream.baseUrl });
    const token = await login(gateway);
    await call(gateway, 'PATCH', '/tenant', { auth: token, body: { limits: { costUsd: { day: 1 } } } });
    let answered = 0;
    const complete = async () => {
      const response = await call(gateway, 'POST', '/chat/completions', { auth: gateway.masterKey, body: ask });
      if (response.status === 200) answered++;
      return response;
    };
    const client = new Redis(redis.url);
    cleanups.push(async () => client.disconnect());
    const spent = async () => {
      const [counter] = await client.keys('*spend:*');
      return counter === undefined ? 0 : Number(await client.get(counter));
    };
    // Its cost is settled after its answer, so the freeze may catch that settlement in flight: it is counted once.
    expect((await complete()).status).toBe(200);

    redis.freeze();
    try {
      // A frozen Redis never answers: without the budget these would wait until the thaw below, and time out.
      for (let i = 0; i < 2; i++) expect((await complete()).status).toBe(200);
    } finally {
      redis.thaw();
    }
    // Once a request reaches Redis again, what was counted in memory meanwhile is added to the shared counter: it
    // holds every answer's cost, 62 µ$ (10 prompt tokens at $0.15 and 100 completion tokens at $0.60 a million).
    await eventually(async () => {
      if ((await spent()) === answered * 62) return true;
      // Another request, in case the last one was still answered from memory (Redis catching up after the thaw).
      expect((await complete()).status).toBe(200);
      return false;
    });
  }, 60_000);
  it('after a few calls in a row that it did not answer, requests stop waiting for it until a probe finds it back', async () => {
    const budgetMs = 2000;
    const upstream: FakeUpstream = await startFakeOpenAi((_request, res) => sendJson(res, 200, answer));
    cleanups.push(() => upstream.close());
    const redis = await ownRedis();
    const gateway = await gatewayOn(redis, {
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: upstream.baseUrl,
      SHUTTLE_REDIS_TIMEOUT_MS: String(budgetMs),
    });
    const token = await login(gateway);
    const limited = await subKeyWithRpm(gateway, token, 1000);
    const complete = () => call(gateway, 'POST', '/chat/completions', { auth: limited.key, body: ask });
    expect((await complete()).status).toBe(200);

    redis.freeze();
    try {
      // The first calls each wait the budget for Redis before falling back…
      for (let i = 0; i < 3; i++) {
        const frozen = await timed(complete);
        expect(frozen.result.status).toBe(200);
        expect(frozen.ms).toBeGreaterThanOrEqual(budgetMs - 50);
      }
      // …then the breaker is open: none waits for Redis any more.
      for (let i = 0; i < 5; i++) {
        const open = await timed(complete);
        expect(open.result.status).toBe(200);
        expect(open.ms).toBeLessThan(budgetMs / 2);
      }
    } finally {
      redis.thaw();
    }
    // A probe finds Redis answering again: the key's requests are counted in Redis once more.
    const client = new Redis(redis.url);
    cleanups.push(async () => client.disconnect());
    const counted = async () => {
      let total = 0;
      for (const counter of await client.keys('*rate*')) total += Number((await client.get(counter)) ?? 0);
      return total;
    };
    const before = await counted();
    await eventually(async () => {
      expect((await complete()).status).toBe(200);
      return (await counted()) > before;
    });
  }, 60_000);
});

describe('Redis outage, closed mode', () => {
  it('refuses requests with limits with 503 limits_unavailable and Retry-After, at once; requests without limits go on', async () => {
    const redis = await ownRedis();
    const gateway = await gatewayOn(redis, { SHUTTLE_REDIS_FAILURE_MODE: 'closed' });
    const token = await login(gateway);
    const limited = await subKeyWithRpm(gateway, token, 100);
    expect((await chat(gateway, limited.key)).status).toBe(200);

    await redis.kill();
    const refused = await timed(() => chat(gateway, limited.key));
    expect(refused.ms).toBeLessThan(PROMPT_MS);
    expect(refused.result.status).toBe(503);
    expect(refused.result.body.error).toMatchObject({ code: 'limits_unavailable', type: 'server_error', param: null });
    expect(Number(refused.result.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await chat(gateway, gateway.masterKey)).status).toBe(200);
    const loggingIn = await call(gateway, 'POST', '/auth/login', { body: OWNER });
    expect(loggingIn.status).toBe(503);

    await redis.start();
    await eventually(async () => (await chat(gateway, limited.key)).status === 200);
  });
});
