// The response cache through HTTP, on both databases (the database store): opt-in per request, tenant default and
// routing rule; hits answered without the provider, plain and streamed (read with the openai SDK); the key (what
// counts, what does not); TTL, refresh, namespace, size cap; metering of hits; DELETE /cache; tenant separation.
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { provisionTenant } from '../../src/auth/provisioning.js';
import { call, login } from '../helpers/api.js';
import { DIALECTS } from '../helpers/databases.js';
import { defaultHandler, type FakeUpstream, startFakeOpenAi } from '../helpers/fake-openai.js';
import { flushUsage, postJson, startGateway, type TestGateway } from '../helpers/gateway.js';
import { usageEventOf } from '../helpers/gateway-client.js';

const USE = { 'x-shuttle-cache': 'use' };

async function stored(gateway: TestGateway): Promise<void> {
  // A stream's answer is stored when the server's side of it ends, which can trail the client's read.
  await new Promise((resolve) => setTimeout(resolve, 10));
  await gateway.shuttle.runtime.responseCache.idle();
}

describe.each(DIALECTS)('response cache (%s)', (dialect) => {
  let upstream: FakeUpstream;
  let gateway: TestGateway;
  let client: OpenAI;
  let token: string;
  let prompt = 0;

  beforeAll(async () => {
    upstream = await startFakeOpenAi();
    gateway = await startGateway({ dialect, env: { OPENAI_API_KEY: 'sk-upstream-test', OPENAI_BASE_URL: upstream.baseUrl } });
    client = new OpenAI({ apiKey: gateway.masterKey, baseURL: gateway.api, maxRetries: 0 });
    token = await login(gateway);
  });

  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  beforeEach(() => {
    upstream.handle(defaultHandler);
    upstream.requests.length = 0;
    prompt++;
  });

  /** A request of its own per test: tests never hit each other's entries. */
  const body = (extra: Record<string, unknown> = {}) => ({
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: `question ${prompt}` }],
    ...extra,
  });
  /** Asks, reads the answer, and waits until it is stored (stores are written after the response). */
  const ask = async (headers: Record<string, string> = USE, extra: Record<string, unknown> = {}, key = gateway.masterKey) => {
    const response = await postJson(gateway, '/chat/completions', body(extra), { authorization: `Bearer ${key}`, ...headers });
    const text = await response.text();
    await stored(gateway);
    return Object.assign(response, { text: async () => text, json: async () => JSON.parse(text) as unknown });
  };

  it('is off by default: identical requests both go to the provider, with no cache header', async () => {
    const first = await ask({});
    const second = await ask({});
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(upstream.requests).toHaveLength(2);
    expect(second.headers.get('x-shuttle-cache')).toBeNull();
  });

  it('answers a repeated request from the cache, saying so, and meters the hit without provider cost', async () => {
    const miss = await ask();
    const missText = await miss.text();
    expect(miss.headers.get('x-shuttle-cache')).toBe('miss');
    const hit = await ask();
    expect(hit.status).toBe(200);
    expect(hit.headers.get('x-shuttle-cache')).toBe('hit');
    expect(Number(hit.headers.get('age'))).toBeGreaterThanOrEqual(0);
    expect(await hit.text()).toBe(missText);
    expect(upstream.requests).toHaveLength(1);
    expect(hit.headers.get('x-shuttle-cost-usd')).toBe('0.000000');

    const bought = await usageEventOf(gateway, miss);
    const cached = await usageEventOf(gateway, hit);
    expect(bought).toMatchObject({ cached: false, savedMicros: 0 });
    expect(bought?.costMicros).toBeGreaterThan(0);
    expect(cached).toMatchObject({
      cached: true,
      costMicros: 0,
      savedMicros: bought?.costMicros,
      promptTokens: 1000,
      completionTokens: 500,
    });
  });

  it('replays a hit as a proper stream to a streaming request (read with the openai SDK), usage included when asked', async () => {
    await ask();
    const hitsBefore = upstream.requests.length;
    const stream = await client.chat.completions.create(
      { ...body(), stream: true, stream_options: { include_usage: true } } as OpenAI.ChatCompletionCreateParamsStreaming,
      { headers: USE },
    );
    let content = '';
    let role: string | undefined;
    let finish: string | null | undefined;
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      role ??= chunk.choices[0]?.delta.role;
      content += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    expect({ role, content, finish }).toEqual({ role: 'assistant', content: 'Hello there', finish: 'stop' });
    expect(usage).toMatchObject({ prompt_tokens: 1000, completion_tokens: 500 });
    expect(upstream.requests).toHaveLength(hitsBefore);
  });

  it('stores a completed stream, and answers it to a plain request and to a stream without usage', async () => {
    const streamed = await ask(USE, { stream: true, stream_options: { include_usage: true } });
    expect(streamed.headers.get('x-shuttle-cache')).toBe('miss');
    const plain = await ask();
    expect(plain.headers.get('x-shuttle-cache')).toBe('hit');
    const answer = (await plain.json()) as OpenAI.ChatCompletion;
    expect(answer.choices[0]?.message).toMatchObject({ role: 'assistant', content: 'Hello there' });
    expect(answer.usage).toMatchObject({ prompt_tokens: 12, completion_tokens: 2 });

    const again = await ask(USE, { stream: true });
    const text = await again.text();
    expect(again.headers.get('x-shuttle-cache')).toBe('hit');
    expect(text).not.toContain('"usage":{');
    expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);
  });

  it('keys on the request, not on the user field or headers; a namespace is a cache of its own', async () => {
    await ask(USE, { user: 'alice' });
    expect((await ask(USE, { user: 'bob' })).headers.get('x-shuttle-cache')).toBe('hit');
    expect((await ask({ ...USE, 'x-shuttle-customer-id': 'someone' })).headers.get('x-shuttle-cache')).toBe('hit');
    expect((await ask(USE, { temperature: 0.5 })).headers.get('x-shuttle-cache')).toBe('miss');
    expect((await ask({ ...USE, 'x-shuttle-cache-namespace': 'run-7' })).headers.get('x-shuttle-cache')).toBe('miss');
    expect((await ask({ ...USE, 'x-shuttle-cache-namespace': 'run-7' })).headers.get('x-shuttle-cache')).toBe('hit');
    expect(upstream.requests).toHaveLength(3);
  });

  it('refresh calls the provider and replaces the entry; off neither reads nor writes', async () => {
    await ask();
    upstream.handle((_request, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          id: 'x',
          object: 'chat.completion',
          created: 1,
          model: 'gpt-4o-mini',
          choices: [{ index: 0, message: { role: 'assistant', content: 'fresh' }, finish_reason: 'stop', logprobs: null }],
          usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
        }),
      );
    });
    const refreshed = await ask({ 'x-shuttle-cache': 'refresh' });
    expect(refreshed.headers.get('x-shuttle-cache')).toBe('miss');
    expect(upstream.requests).toHaveLength(2);
    const off = await ask({ 'x-shuttle-cache': 'off' });
    expect(off.headers.get('x-shuttle-cache')).toBeNull();
    expect(upstream.requests).toHaveLength(3);
    const hit = (await (await ask()).json()) as OpenAI.ChatCompletion;
    expect(hit.choices[0]?.message.content).toBe('fresh');
    expect(upstream.requests).toHaveLength(3);
  });

  it('forgets an answer after its TTL', async () => {
    await ask({ ...USE, 'x-shuttle-cache-ttl': '1' });
    expect((await ask()).headers.get('x-shuttle-cache')).toBe('hit');
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await ask()).headers.get('x-shuttle-cache')).toBe('miss');
  });

  it('refuses malformed cache headers with a 400 naming them', async () => {
    for (const headers of [
      { 'x-shuttle-cache': 'always' },
      { ...USE, 'x-shuttle-cache-ttl': '-3' },
      { ...USE, 'x-shuttle-cache-ttl': 'soon' },
    ]) {
      const response = await ask(headers);
      expect(response.status).toBe(400);
      const error = ((await response.json()) as { error: { param: string; code: string } }).error;
      expect(error.code).toBe('invalid_request');
      expect(error.param).toMatch(/^x-shuttle-cache/);
    }
    expect(upstream.requests).toHaveLength(0);
  });

  it('never answers one tenant from another tenant’s entries', async () => {
    const other = await provisionTenant(gateway.shuttle.runtime.db, {
      tenantName: `Other ${dialect}`,
      email: `other-${dialect}@cache.test`,
      password: 'correct horse battery',
    });
    await ask();
    expect((await ask(USE, {}, other.masterKey)).headers.get('x-shuttle-cache')).toBe('miss');
    expect(upstream.requests).toHaveLength(2);
  });

  it('uses the tenant default (PATCH /tenant) and a routing rule’s setting, the request header over both', async () => {
    const patched = await call(gateway, 'PATCH', '/tenant', { auth: token, body: { cache: { mode: 'use', ttlSeconds: 600 } } });
    expect(patched.status).toBe(200);
    expect(patched.body.cache).toEqual({ mode: 'use', ttlSeconds: 600 });
    try {
      await ask({});
      expect((await ask({})).headers.get('x-shuttle-cache')).toBe('hit');
      expect((await ask({ 'x-shuttle-cache': 'off' })).headers.get('x-shuttle-cache')).toBeNull();
      expect(upstream.requests).toHaveLength(2);
      const invalid = await call(gateway, 'PATCH', '/tenant', { auth: token, body: { cache: { mode: 'sometimes' } } });
      expect(invalid.status).toBe(400);
    } finally {
      await call(gateway, 'PATCH', '/tenant', { auth: token, body: { cache: null } });
    }
    const rule = await call(gateway, 'PUT', '/routing-rules/cached-mini', {
      auth: token,
      body: { targets: [{ provider: 'openai', model: 'gpt-4o-mini' }], cache: { mode: 'use' } },
    });
    expect(rule.status).toBeLessThan(300);
    expect((await call(gateway, 'GET', '/routing-rules/cached-mini', { auth: token })).body).toMatchObject({ cache: { mode: 'use' } });
    upstream.requests.length = 0;
    await ask({}, { model: 'cached-mini' });
    expect((await ask({}, { model: 'cached-mini' })).headers.get('x-shuttle-cache')).toBe('hit');
    expect((await ask({})).headers.get('x-shuttle-cache')).toBeNull();
    expect(upstream.requests).toHaveLength(2);
  });

  it('counts hits against rate limits but not against cost limits', async () => {
    const created = await call(gateway, 'POST', '/keys', { auth: token, body: { name: `limited ${prompt}` } });
    const key = created.body.key as string;
    await ask(USE, {}, key);
    // The first (bought) answer spent more than the whole budget: a request to the provider is refused now, a hit is not.
    await call(gateway, 'PATCH', `/keys/${created.body.id}`, {
      auth: token,
      body: { limits: { costUsd: { total: 0.000001 }, requestsPerMinute: 3 } },
    });
    await flushUsage(gateway);
    expect((await ask(USE, { temperature: 1 }, key)).status).toBe(402);
    const hit = await ask(USE, {}, key);
    expect(hit.status).toBe(200);
    expect(hit.headers.get('x-shuttle-cache')).toBe('hit');
    // Hits count against the 3 a minute (the refused request did too): by the fourth request, one is refused. Not
    // exactly the fourth: near a minute's end the sliding window also weighs the minute before, and refuses sooner.
    const statuses = [(await ask(USE, {}, key)).status, (await ask(USE, {}, key)).status];
    expect(statuses).toContain(429);
    expect(statuses.filter((status) => status !== 200 && status !== 429)).toEqual([]);
    expect(upstream.requests).toHaveLength(1);
  });

  it('never answers a model the key may not use, whatever is cached', async () => {
    await ask();
    const created = await call(gateway, 'POST', '/keys', { auth: token, body: { name: `mock only ${prompt}` } });
    await call(gateway, 'PATCH', `/keys/${created.body.id}`, { auth: token, body: { allowedModels: ['mock/*'] } });
    const refused = await ask(USE, {}, created.body.key as string);
    expect(refused.status).toBe(403);
    expect(refused.headers.get('x-shuttle-cache')).toBeNull();
  });

  it('does not store answers above the size cap', async () => {
    const small = await startGateway({
      dialect,
      env: { OPENAI_API_KEY: 'sk-upstream-test', OPENAI_BASE_URL: upstream.baseUrl, SHUTTLE_CACHE_MAX_ENTRY_BYTES: '200' },
    });
    try {
      const go = () => postJson(small, '/chat/completions', body(), USE);
      await (await go()).text();
      await stored(small);
      expect((await go()).headers.get('x-shuttle-cache')).toBe('miss');
      expect(upstream.requests).toHaveLength(2);
    } finally {
      await small.close();
    }
  });

  it('reports cache hits and the money saved in the usage API, per group and in totals', async () => {
    await ask();
    await ask();
    await ask();
    await flushUsage(gateway);
    const usage = await call(gateway, 'GET', '/usage?groupBy=model', { auth: gateway.masterKey });
    expect(usage.status).toBe(200);
    const row = usage.body.data.find((r: { model: string }) => r.model === 'gpt-4o-mini');
    expect(row.cacheHits).toBeGreaterThanOrEqual(2);
    expect(row.savedUsd).toBeGreaterThan(0);
    const hits = usage.body.data.reduce((sum: number, r: { cacheHits: number }) => sum + r.cacheHits, 0);
    expect(usage.body.totals.cacheHits).toBe(hits);
    expect(usage.body.totals.savedUsd).toBeGreaterThanOrEqual(row.savedUsd);
    // From the raw events (hourly) as from the daily rollups.
    const hourly = await call(gateway, 'GET', '/usage?groupBy=hour', { auth: gateway.masterKey });
    expect(hourly.body.totals.cacheHits).toBe(hits);
    expect(hourly.body.totals.savedUsd).toBeCloseTo(usage.body.totals.savedUsd, 6);
  });

  it('DELETE /cache clears the tenant’s entries, for admins only, and is audited', async () => {
    await ask();
    expect((await ask()).headers.get('x-shuttle-cache')).toBe('hit');
    expect((await call(gateway, 'DELETE', '/cache', { auth: gateway.masterKey })).status).toBe(403);
    const cleared = await call(gateway, 'DELETE', '/cache', { auth: token });
    expect(cleared.status).toBe(200);
    expect(cleared.body.deleted).toBeGreaterThanOrEqual(1);
    expect((await ask()).headers.get('x-shuttle-cache')).toBe('miss');
    const audit = await call(gateway, 'GET', '/audit-log', { auth: token });
    expect(audit.body.data.some((entry: { action: string }) => entry.action === 'cache.cleared')).toBe(true);
  });
});
