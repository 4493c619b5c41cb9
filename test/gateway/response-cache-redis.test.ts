// The response cache in Redis (REDIS_URL set): two instances share entries, DELETE /cache clears them for both,
// TTL expiry is Redis's, and a Redis that is gone or frozen makes a lookup a miss (counted), never a failed request.
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { call, login } from '../helpers/api.js';
import { REDIS_URL } from '../helpers/databases.js';
import { defaultHandler, type FakeUpstream, startFakeOpenAi } from '../helpers/fake-openai.js';
import { postJson, startGateway, type TestGateway } from '../helpers/gateway.js';
import { usageEventOf } from '../helpers/gateway-client.js';
import { type OwnRedis, startOwnRedis } from '../helpers/redis-server.js';

const USE = { 'x-shuttle-cache': 'use' };

async function ask(gateway: TestGateway, content: string, headers: Record<string, string> = USE, extra: Record<string, unknown> = {}) {
  const response = await postJson(
    gateway,
    '/chat/completions',
    { model: 'gpt-4o-mini', messages: [{ role: 'user', content }], ...extra },
    headers,
  );
  const text = await response.text();
  await new Promise((resolve) => setTimeout(resolve, 10));
  await gateway.shuttle.runtime.responseCache.idle();
  return { status: response.status, headers: response.headers, text };
}

describe('response cache in Redis, shared by two instances', () => {
  let upstream: FakeUpstream;
  let first: TestGateway;
  let second: TestGateway;

  beforeAll(async () => {
    upstream = await startFakeOpenAi();
    const env = {
      OPENAI_API_KEY: 'sk-upstream-test',
      OPENAI_BASE_URL: upstream.baseUrl,
      REDIS_URL,
      SHUTTLE_REDIS_PREFIX: `test-cache-${process.pid}-${Date.now()}:`,
    };
    first = await startGateway({ env });
    second = await startGateway({ env, sharing: first });
  });

  afterAll(async () => {
    await second?.close();
    await first?.close();
    await upstream?.close();
  });

  beforeEach(() => {
    upstream.handle(defaultHandler);
    upstream.requests.length = 0;
  });

  it('answers on one instance what the other stored, nothing of it in the database', async () => {
    const miss = await ask(first, 'shared one');
    expect(miss.headers.get('x-shuttle-cache')).toBe('miss');
    const hit = await ask(second, 'shared one');
    expect(hit.headers.get('x-shuttle-cache')).toBe('hit');
    expect(hit.text).toBe(miss.text);
    expect(upstream.requests).toHaveLength(1);
    expect(await first.shuttle.runtime.db.selectFrom('response_cache').selectAll().execute()).toEqual([]);
    expect(await usageEventOf(second, hit)).toMatchObject({ cached: true, costMicros: 0 });
  });

  it('replays an entry stored by the other instance as a stream, read with the openai SDK', async () => {
    await ask(first, 'shared stream');
    const client = new OpenAI({ apiKey: second.masterKey, baseURL: second.api, maxRetries: 0 });
    const stream = await client.chat.completions.create(
      { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'shared stream' }], stream: true },
      { headers: USE },
    );
    let content = '';
    for await (const chunk of stream) content += chunk.choices[0]?.delta.content ?? '';
    expect(content).toBe('Hello there');
    expect(upstream.requests).toHaveLength(1);
  });

  it('forgets an entry after its TTL', async () => {
    await ask(first, 'short-lived', { ...USE, 'x-shuttle-cache-ttl': '1' });
    expect((await ask(second, 'short-lived')).headers.get('x-shuttle-cache')).toBe('hit');
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await ask(second, 'short-lived')).headers.get('x-shuttle-cache')).toBe('miss');
  });

  it('DELETE /cache on one instance clears the tenant’s entries for both', async () => {
    await ask(first, 'to clear');
    const token = await login(second);
    const cleared = await call(second, 'DELETE', '/cache', { auth: token });
    expect(cleared.status).toBe(200);
    expect(cleared.body.deleted).toBeGreaterThanOrEqual(1);
    expect((await ask(first, 'to clear')).headers.get('x-shuttle-cache')).toBe('miss');
  });
});

describe('response cache when its Redis fails', () => {
  let upstream: FakeUpstream;
  let redis: OwnRedis;
  let gateway: TestGateway;

  beforeAll(async () => {
    upstream = await startFakeOpenAi();
    redis = await startOwnRedis();
    gateway = await startGateway({
      env: { OPENAI_API_KEY: 'sk-upstream-test', OPENAI_BASE_URL: upstream.baseUrl, REDIS_URL: redis.url, SHUTTLE_REDIS_TIMEOUT_MS: '100' },
    });
  });

  afterAll(async () => {
    await gateway?.close();
    await redis?.close();
    await upstream?.close();
  });

  const failures = async (operation: string): Promise<number> => {
    const text = await (await fetch(`${gateway.url}/metrics`)).text();
    const line = text
      .split('\n')
      .find((l) => l.startsWith(`shuttle_response_cache_failures_total{store="redis",operation="${operation}"}`));
    return line === undefined ? 0 : Number(line.split(' ').at(-1));
  };

  it('answers from the provider, as a miss, while Redis is frozen or gone, and counts the failures', async () => {
    await ask(gateway, 'before');
    expect((await ask(gateway, 'before')).headers.get('x-shuttle-cache')).toBe('hit');

    redis.freeze();
    try {
      const frozen = await ask(gateway, 'before');
      expect(frozen.status).toBe(200);
      expect(frozen.headers.get('x-shuttle-cache')).toBe('miss');
    } finally {
      redis.thaw();
    }
    expect(await failures('get')).toBeGreaterThanOrEqual(1);

    await redis.kill();
    const gone = await ask(gateway, 'before');
    expect(gone.status).toBe(200);
    expect(gone.headers.get('x-shuttle-cache')).toBe('miss');
    expect(JSON.parse(gone.text).choices[0].message.content).toBe('Hello there');
    expect(await failures('get')).toBeGreaterThanOrEqual(2);
    expect(await failures('set')).toBeGreaterThanOrEqual(1);

    const cleared = await call(gateway, 'DELETE', '/cache', { auth: await login(gateway) });
    expect(cleared.status).toBe(503);
    expect(cleared.body.error.code).toBe('cache_unavailable');
  });
});
