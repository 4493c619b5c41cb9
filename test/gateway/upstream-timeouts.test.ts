// An upstream timeout fires on time: a provider that never sends its headers, or stalls in the middle of a body, is
// given up after the configured timeout (504 upstream_timeout), not half a second later on undici's coarse timers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeUpstream, sendJson, startFakeUpstream, startSse } from '../helpers/fake-upstream.js';
import { postJson, startGateway, type TestGateway } from '../helpers/gateway.js';
import { postStream, usageEventOf } from '../helpers/gateway-client.js';

const TIMEOUT_MS = 2_000;
// Generous on a loaded machine, and still short of the ~2,500 ms undici's own timers took before.
const LATEST_MS = 2_400;
const COMPLETION = {
  id: 'c',
  object: 'chat.completion',
  created: 1,
  model: 'gpt-4o-mini',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Hi' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
};
const REQUEST = { model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] };

describe('upstream timeouts', { timeout: 30_000 }, () => {
  let upstream: FakeUpstream;
  let gateway: TestGateway;

  beforeAll(async () => {
    upstream = await startFakeUpstream((_request, res) => sendJson(res, 200, COMPLETION));
    gateway = await startGateway({
      env: { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: `${upstream.url}/v1`, SHUTTLE_UPSTREAM_TIMEOUT_MS: String(TIMEOUT_MS) },
    });
    // A first call warms the connection pool and the tokenizers, so the timed calls measure only the timeout.
    expect((await postJson(gateway, '/chat/completions', REQUEST)).status).toBe(200);
  });

  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  async function timed<T>(call: () => Promise<T>): Promise<{ value: T; ms: number }> {
    const started = performance.now();
    const value = await call();
    return { value, ms: performance.now() - started };
  }

  it('answers 504 at the timeout when the provider never sends its headers', async () => {
    upstream.handle(() => undefined);
    const { value: response, ms } = await timed(() => postJson(gateway, '/chat/completions', REQUEST));
    expect(response.status).toBe(504);
    expect(await response.json()).toMatchObject({ error: { code: 'upstream_timeout' } });
    expect(ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
    expect(ms).toBeLessThan(LATEST_MS);
  });

  it('answers 504 at the timeout when the provider stalls in the middle of its body', async () => {
    upstream.handle((_request, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"id":"c",');
    });
    const { value: response, ms } = await timed(() => postJson(gateway, '/chat/completions', REQUEST));
    expect(response.status).toBe(504);
    expect(ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
    expect(ms).toBeLessThan(LATEST_MS);
  });

  it('ends a stream at the timeout when the provider goes silent between chunks', async () => {
    let lastChunkAt = 0;
    upstream.handle((_request, res) => {
      startSse(res);
      const chunk = { id: 'c', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini' };
      res.write(`data: ${JSON.stringify({ ...chunk, choices: [{ index: 0, delta: { content: 'Hel' }, finish_reason: null }] })}\n\n`);
      // A chunk now and then keeps the call alive: the timeout counts silence, not the whole answer.
      setTimeout(() => {
        res.write(`data: ${JSON.stringify({ ...chunk, choices: [{ index: 0, delta: { content: 'lo' }, finish_reason: null }] })}\n\n`);
        lastChunkAt = performance.now();
      }, TIMEOUT_MS / 2);
    });
    const stream = await postStream(gateway, { ...REQUEST });
    const silence = performance.now() - lastChunkAt;
    expect(stream.text).toBe('Hello');
    expect(stream.chunks.at(-1)).toMatchObject({ error: { code: 'upstream_timeout' } });
    expect(silence).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
    expect(silence).toBeLessThan(LATEST_MS);
    // Metered for what it delivered: "Hello" is between 1 token and its 5 bytes (the count without a tokenizer).
    const usage = await usageEventOf(gateway, stream);
    expect(usage).toMatchObject({ status: 504, errorCode: 'upstream_timeout' });
    expect(usage?.completionTokens).toBeGreaterThanOrEqual(1);
    expect(usage?.completionTokens).toBeLessThanOrEqual(5);
  });
});
