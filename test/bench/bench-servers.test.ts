import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBareProxy } from '../../bench/bare-proxy.js';
import { chatRequestBody } from '../../bench/chat-request.js';
import { COMPLETION_BODY, type RunningServer, STREAM_EVENTS, startFakeUpstream } from '../../bench/fake-upstream.js';
import { sendFixedCount } from '../../bench/fixed-count.js';
import { probeTtfb, summariseTtfb } from '../../bench/ttfb-probe.js';

// A functional smoke test of the benchmark's own servers: what they answer, never how fast.
describe('benchmark servers', () => {
  let upstream: RunningServer;
  let proxy: RunningServer;
  const through = (server: RunningServer) => `http://127.0.0.1:${server.port}/v1/chat/completions`;
  const post = (url: string, body: string) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

  beforeAll(async () => {
    upstream = await startFakeUpstream();
    proxy = await startBareProxy({ upstream: `http://127.0.0.1:${upstream.port}` });
  });

  afterAll(async () => {
    await proxy?.close();
    await upstream?.close();
  });

  it('the fake upstream answers a chat.completion with usage', async () => {
    const response = await post(through(upstream), chatRequestBody('json'));
    expect(response.status).toBe(200);
    const completion = (await response.json()) as { object: string; usage: { prompt_tokens: number; completion_tokens: number } };
    expect(completion.object).toBe('chat.completion');
    expect(completion.usage.prompt_tokens).toBeGreaterThan(0);
    expect(completion.usage.completion_tokens).toBeGreaterThan(0);
  });

  it('the bare proxy relays the JSON answer byte for byte', async () => {
    const response = await post(through(proxy), chatRequestBody('json'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.text()).toBe(COMPLETION_BODY);
  });

  it('the bare proxy passes a stream through: chunks, then the usage chunk, then [DONE]', async () => {
    const response = await post(through(proxy), chatRequestBody('stream'));
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const text = await response.text();
    expect(text).toBe(STREAM_EVENTS.join(''));
    const events = text.split('\n\n').filter(Boolean);
    expect(events.length).toBeGreaterThan(5);
    expect(events.at(-1)).toBe('data: [DONE]');
    expect(JSON.parse(events.at(-2)?.slice('data: '.length) ?? '{}')).toMatchObject({ choices: [], usage: { total_tokens: 52 } });
  });

  it('the fake upstream leaves out the usage chunk when the client did not ask for it', async () => {
    const body = JSON.stringify({ ...JSON.parse(chatRequestBody('stream')), stream_options: undefined });
    const text = await (await post(through(upstream), body)).text();
    expect(text).not.toContain('"usage":{');
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
  });

  it('the fixed-count driver sends exactly its count, rotating the per-request headers, and counts refusals', async () => {
    const variants: string[] = [];
    const server = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        const variant = String(request.headers['x-variant']);
        variants.push(variant);
        response.statusCode = variant === 'b' ? 429 : 200;
        response.end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const failed = await sendFixedCount({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/chat/completions`,
        headers: { 'content-type': 'application/json' },
        headerVariants: [{ 'x-variant': 'a' }, { 'x-variant': 'b' }, { 'x-variant': 'c' }],
        body: chatRequestBody('json'),
        count: 30,
        connections: 4,
      });
      expect(variants).toHaveLength(30);
      expect(['a', 'b', 'c'].map((name) => variants.filter((variant) => variant === name).length)).toEqual([10, 10, 10]);
      expect(failed).toBe(10);
    } finally {
      server.close();
    }
  });

  const probeThroughProxy = (samples: number, maxSeconds: number) =>
    probeTtfb({
      url: through(proxy),
      headers: { 'content-type': 'application/json' },
      body: chatRequestBody('stream'),
      samples,
      maxSeconds,
    });

  it('the TTFB probe completes every streamed request it times', async () => {
    const samples = await probeThroughProxy(10, 10);
    const result = summariseTtfb(samples);
    expect(result).toMatchObject({ samples: 10, failures: 0 });
    expect(result.p50Ms).toBeLessThanOrEqual(result.totalP50Ms);
  });

  it('the TTFB probe, as a warm-up with no count, streams until its time is up', async () => {
    const samples = await probeThroughProxy(Number.MAX_SAFE_INTEGER, 0.3);
    expect(samples.failures).toBe(0);
    // More than one stream: it did not stop at a count. (No more than that: how many fit in 0.3 s is a timing.)
    expect(samples.firstByteMs.length).toBeGreaterThan(1);
  });
});
