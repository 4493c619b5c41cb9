import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeUpstream, sendEvent, sendJson, startFakeUpstream, startSse } from '../helpers/fake-upstream.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { openStream, postStream, usageEventOf } from '../helpers/gateway-client.js';
import { answer, hello } from './fixtures/google.js';

describe('Google Gemini streams', () => {
  let upstream: FakeUpstream;
  let gateway: TestGateway;

  beforeAll(async () => {
    upstream = await startFakeUpstream((_request, res) => sendJson(res, 200, hello));
    gateway = await startGateway({ env: { GOOGLE_API_KEY: 'AIza-test', GEMINI_BASE_URL: upstream.url } });
  });

  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  beforeEach(() => upstream.handle((_request, res) => sendJson(res, 200, hello)));

  it('streams streamGenerateContent events as OpenAI chunks to [DONE], with usage at the end', async () => {
    upstream.handle((_request, res) => {
      startSse(res);
      const { usageMetadata: _, ...first } = answer([{ text: 'The ' }], null);
      sendEvent(res, first);
      sendEvent(res, answer([{ text: 'sky is blue.' }]));
      res.end();
    });
    const stream = await postStream(gateway, { model: 'google/gemini-2.5-flash', messages: [{ role: 'user', content: 'Sky?' }] });
    expect(upstream.last().url).toBe('/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse');
    expect(stream.text).toBe('The sky is blue.');
    expect(stream.data.at(-1)).toBe('[DONE]');
    expect(stream.chunks.at(-1)).toMatchObject({ choices: [{ finish_reason: 'stop' }] });
    const finishes = stream.chunks.filter((chunk) => (chunk.choices as Array<{ finish_reason: string | null }>)[0]?.finish_reason);
    expect(finishes).toHaveLength(1);
    expect(await usageEventOf(gateway, stream)).toMatchObject({
      streamed: true,
      promptTokens: 1000,
      completionTokens: 500,
      costMicros: 1505,
    });
  });

  it('streams a function call as one tool-call delta and finishes with tool_calls', async () => {
    upstream.handle((_request, res) => {
      startSse(res);
      sendEvent(res, answer([{ functionCall: { name: 'lookup', args: { q: 'x' } } }]));
      res.end();
    });
    const stream = await postStream(gateway, { model: 'google/gemini-2.5-flash', messages: [{ role: 'user', content: 'Look up x' }] });
    const deltas = stream.chunks.flatMap(
      (chunk) => (chunk.choices as Array<{ delta: Record<string, unknown>; finish_reason: string | null }>) ?? [],
    );
    expect(deltas.find((delta) => delta.delta.tool_calls)?.delta.tool_calls).toEqual([
      { index: 0, id: expect.stringMatching(/^call_/), type: 'function', function: { name: 'lookup', arguments: '{"q":"x"}' } },
    ]);
    expect(deltas.at(-1)?.finish_reason).toBe('tool_calls');
  });

  it('ends a stream with an error event when Gemini streams an error', async () => {
    upstream.handle((_request, res) => {
      startSse(res);
      sendEvent(res, answer([{ text: 'Partial' }], null));
      sendEvent(res, { error: { code: 503, message: 'The model is overloaded. Please try again later.', status: 'UNAVAILABLE' } });
      res.end();
    });
    const stream = await postStream(gateway, { model: 'google/gemini-2.5-flash', messages: [{ role: 'user', content: 'x' }] });
    expect(stream.chunks.at(-1)).toMatchObject({
      error: { message: 'The model is overloaded. Please try again later.', code: 'UNAVAILABLE', provider: 'google' },
    });
  });

  it('forwards each event as it arrives instead of buffering the answer', async () => {
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    upstream.handle(async (_request, res) => {
      startSse(res);
      sendEvent(res, answer([{ text: 'first' }], null));
      await released;
      sendEvent(res, answer([{ text: ' second' }]));
      res.end();
    });
    const stream = await openStream(gateway, { model: 'google/gemini-2.5-flash', messages: [{ role: 'user', content: 'Hi' }] });
    expect(await stream.readUntil(/"first"/)).not.toContain('second');
    release();
    const rest = await stream.rest();
    expect(rest).toContain('" second"');
    expect(rest).toContain('data: [DONE]');
  });
});
