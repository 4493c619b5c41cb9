// Flow runs and the response cache: the run's `cache` field (use, refresh, off), plain and streamed runs sharing an
// entry, and the x-shuttle-cache header on the answer.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { call, login } from '../helpers/api.js';
import { defaultHandler, type FakeUpstream, startFakeOpenAi } from '../helpers/fake-openai.js';
import { postJson, startGateway, type TestGateway } from '../helpers/gateway.js';

describe('flow runs with the response cache', () => {
  let upstream: FakeUpstream;
  let gateway: TestGateway;

  beforeAll(async () => {
    upstream = await startFakeOpenAi();
    gateway = await startGateway({ env: { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: upstream.baseUrl } });
    const token = await login(gateway);
    const admin = (method: string, path: string, body?: unknown) => call(gateway, method, path, { auth: token, body });
    await admin('POST', '/flows', { title: 'Cached answer' });
    const version = await admin('POST', '/flows/cached-answer/versions', {
      templates: { main: { template: 'Answer about [[topic]].', llm: 'gpt-4o-mini' } },
    });
    await admin('POST', `/flows/cached-answer/versions/${version.body.version}/environments`, { environment: 'production' });
  });

  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  beforeEach(() => {
    upstream.handle(defaultHandler);
    upstream.requests.length = 0;
  });

  const run = async (body: Record<string, unknown>) => {
    const response = await postJson(gateway, '/flows/cached-answer/runs', body);
    const text = await response.text();
    await new Promise((resolve) => setTimeout(resolve, 10));
    await gateway.shuttle.runtime.responseCache.idle();
    return { status: response.status, cache: response.headers.get('x-shuttle-cache'), text };
  };

  it('answers a repeated run from the cache when it asks to, streamed or not; refresh and off go to the provider', async () => {
    const parameters = { topic: 'tides' };
    expect((await run({ parameters })).cache).toBeNull();
    const miss = await run({ parameters, cache: 'use' });
    expect(miss.cache).toBe('miss');
    const hit = await run({ parameters, cache: 'use' });
    expect(hit.status).toBe(200);
    expect(hit.cache).toBe('hit');
    expect(JSON.parse(hit.text)).toMatchObject({ response: 'Hello there', costUsd: 0 });
    const streamed = await run({ parameters, cache: 'use', stream: true });
    expect(streamed.cache).toBe('hit');
    expect(streamed.text).toContain('"content":"Hello there"');
    expect(streamed.text).toContain('"object":"flow.run"');
    expect(upstream.requests).toHaveLength(2);
    expect((await run({ parameters, cache: 'refresh' })).cache).toBe('miss');
    expect((await run({ parameters, cache: 'off' })).cache).toBeNull();
    expect(upstream.requests).toHaveLength(4);
    expect((await run({ parameters, cache: 'sometimes' })).status).toBe(400);
  });
});
