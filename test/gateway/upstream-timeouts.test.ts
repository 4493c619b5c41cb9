// An upstream timeout fires on time: a provider that never sends its headers, or stalls in the middle of a body, is
// given up after the configured timeout (504 upstream_timeout), not half a second later on undici's coarse timers.
import { request as httpRequest, type IncomingMessage } from 'node:http';
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

describe('an upstream timeout and a slow reader', { timeout: 30_000 }, () => {
  let upstream: FakeUpstream;
  let gateway: TestGateway;

  beforeAll(async () => {
    upstream = await startFakeUpstream(() => undefined);
    gateway = await startGateway({
      env: { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: `${upstream.url}/v1`, SHUTTLE_UPSTREAM_TIMEOUT_MS: String(TIMEOUT_MS) },
    });
  });

  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  it('does not count the time a slow reader holds the stream back as the provider’s silence', async () => {
    const event = `data: ${JSON.stringify({
      id: 'c',
      object: 'chat.completion.chunk',
      created: 1,
      model: 'gpt-4o-mini',
      choices: [{ index: 0, delta: { content: 'x'.repeat(2_000) }, finish_reason: null }],
    })}\n\n`;
    let providerClosed = false;
    let written = 0;
    // Writes for as long as its socket takes it: once the client stops reading, the gateway stops reading this.
    upstream.handle(async (_request, res) => {
      res.once('close', () => {
        providerClosed = true;
      });
      startSse(res);
      while (!res.destroyed && written < 400 * 1024 * 1024) {
        written += event.length;
        if (!res.write(event)) await new Promise((resolve) => res.once('drain', resolve).once('close', resolve));
      }
      res.end();
    });
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = httpRequest(`${gateway.api}/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${gateway.masterKey}`, 'content-type': 'application/json' },
      });
      req
        .on('response', resolve)
        .on('error', reject)
        .end(JSON.stringify({ ...REQUEST, stream: true }));
    });
    response.pause();
    await new Promise((resolve) => setTimeout(resolve, TIMEOUT_MS + 1_000));
    const whilePaused = written;
    // The provider was held back (not finished) for longer than the timeout, and its call is still open.
    expect(whilePaused).toBeLessThan(400 * 1024 * 1024);
    expect(providerClosed).toBe(false);
    let received = '';
    response.on('data', (data: Buffer) => {
      received += String(data);
    });
    response.resume();
    const deadline = Date.now() + 20_000;
    while (written < 2 * whilePaused && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(written).toBeGreaterThanOrEqual(2 * whilePaused);
    expect(received).not.toContain('upstream_timeout');
    response.destroy();
    // Billed for what it delivered (megabytes of text, counted without stalling the instance: see token-bounds).
    const usage = await usageEventOf(gateway, { headers: new Headers({ 'x-request-id': String(response.headers['x-request-id']) }) });
    expect(usage).toMatchObject({ status: 499, errorCode: 'client_closed' });
    expect(usage?.completionTokens).toBeGreaterThan(0);
  });
});
