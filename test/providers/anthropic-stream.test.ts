import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeUpstream, sendEvent, sendJson, startFakeUpstream, startSse } from '../helpers/fake-upstream.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { openStream, postStream, usageEventOf } from '../helpers/gateway-client.js';
import { MODEL, message, streamText } from './fixtures/anthropic.js';

describe('Anthropic streams', () => {
  let upstream: FakeUpstream;
  let gateway: TestGateway;

  beforeAll(async () => {
    upstream = await startFakeUpstream((_request, res) => sendJson(res, 200, message([{ type: 'text', text: 'Hi! My name is Claude.' }])));
    gateway = await startGateway({ env: { ANTHROPIC_API_KEY: 'sk-ant-test', ANTHROPIC_BASE_URL: upstream.url } });
  });

  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  beforeEach(() => upstream.handle((_request, res) => sendJson(res, 200, message([{ type: 'text', text: 'Hi! My name is Claude.' }]))));

  it('streams text as OpenAI chunks to [DONE], metering the usage of message_start and message_delta', async () => {
    upstream.handle((_request, res) => streamText(res));
    const stream = await postStream(gateway, {
      model: `anthropic/${MODEL}`,
      messages: [{ role: 'user', content: 'Hi' }],
      stream_options: { include_usage: true },
    });
    expect(upstream.last().body.stream).toBe(true);
    expect(stream.text).toBe('Hello!');
    expect(stream.data.at(-1)).toBe('[DONE]');
    expect(stream.chunks[0]).toMatchObject({ id: 'msg_013Zva2CMHLNnXjNJJKqJ2EF', object: 'chat.completion.chunk', model: MODEL });
    expect(stream.chunks.at(-2)).toMatchObject({ choices: [{ delta: {}, finish_reason: 'stop' }] });
    expect(stream.chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 3195, completion_tokens: 15 } });
    expect(await usageEventOf(gateway, stream)).toMatchObject({
      streamed: true,
      promptTokens: 3195,
      completionTokens: 15,
      cachedTokens: 1000,
    });
  });

  it('streams a tool call from content_block_start and its input_json_delta events', async () => {
    upstream.handle((_request, res) => {
      startSse(res);
      sendEvent(res, { type: 'message_start', message: { ...message([], '', { output_tokens: 1 }), stop_reason: null } }, 'message_start');
      const toolUse = { type: 'tool_use', id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', name: 'get_weather', input: {} };
      sendEvent(res, { type: 'content_block_start', index: 0, content_block: toolUse }, 'content_block_start');
      for (const partial of ['', '{"city": ', '"Paris"}']) {
        sendEvent(
          res,
          { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: partial } },
          'content_block_delta',
        );
      }
      sendEvent(res, { type: 'content_block_stop', index: 0 }, 'content_block_stop');
      sendEvent(res, { type: 'message_delta', delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 40 } }, 'message_delta');
      sendEvent(res, { type: 'message_stop' }, 'message_stop');
      res.end();
    });
    const stream = await postStream(gateway, { model: `anthropic/${MODEL}`, messages: [{ role: 'user', content: 'Weather?' }] });
    const calls = stream.chunks.flatMap((chunk) =>
      (chunk.choices as Array<{ delta: { tool_calls?: unknown[] } }>).flatMap((c) => c.delta.tool_calls ?? []),
    );
    expect(calls).toEqual([
      { index: 0, id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', type: 'function', function: { name: 'get_weather', arguments: '' } },
      { index: 0, function: { arguments: '{"city": ' } },
      { index: 0, function: { arguments: '"Paris"}' } },
    ]);
    expect(stream.chunks.at(-1)).toMatchObject({ choices: [{ finish_reason: 'tool_calls' }] });
    expect(stream.data.at(-1)).toBe('[DONE]');
  });

  it('ends a stream with the error of an error event, in the OpenAI shape', async () => {
    upstream.handle((_request, res) => {
      startSse(res);
      sendEvent(res, { type: 'message_start', message: { ...message([], '', { output_tokens: 1 }), stop_reason: null } }, 'message_start');
      sendEvent(res, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }, 'error');
      res.end();
    });
    const stream = await postStream(gateway, { model: `anthropic/${MODEL}`, messages: [{ role: 'user', content: 'Hi' }] });
    expect(stream.chunks.at(-1)).toEqual({
      error: { message: 'Overloaded', type: 'overloaded_error', code: 'overloaded_error', param: null, provider: 'anthropic' },
    });
    expect(await usageEventOf(gateway, stream)).toMatchObject({ status: 529, errorCode: 'overloaded_error' });
  });

  it('forwards each event as it arrives instead of buffering the answer', async () => {
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    upstream.handle(async (_request, res) => {
      startSse(res);
      sendEvent(res, { type: 'message_start', message: { ...message([], '', { output_tokens: 1 }), stop_reason: null } }, 'message_start');
      sendEvent(res, { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'first' } }, 'content_block_delta');
      await released;
      sendEvent(res, { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: ' second' } }, 'content_block_delta');
      sendEvent(res, { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 2 } }, 'message_delta');
      sendEvent(res, { type: 'message_stop' }, 'message_stop');
      res.end();
    });
    const stream = await openStream(gateway, { model: `anthropic/${MODEL}`, messages: [{ role: 'user', content: 'Hi' }] });
    expect(await stream.readUntil(/"first"/)).not.toContain('second');
    release();
    const rest = await stream.rest();
    expect(rest).toContain('" second"');
    expect(rest).toContain('data: [DONE]');
  });

  it('bills a stream Anthropic breaks off for the prompt tokens of message_start and the text seen', async () => {
    upstream.handle((_request, res) => {
      startSse(res);
      sendEvent(res, { type: 'message_start', message: { ...message([], '', { output_tokens: 1 }), stop_reason: null } }, 'message_start');
      sendEvent(res, { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }, 'content_block_start');
      for (const text of ['Once upon', ' a time'])
        sendEvent(res, { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } }, 'content_block_delta');
      setTimeout(() => res.socket?.destroy(), 50);
    });
    const stream = await postStream(gateway, { model: `anthropic/${MODEL}`, messages: [{ role: 'user', content: 'Tell me a story' }] });
    expect(stream.text).toBe('Once upon a time');
    const event = await usageEventOf(gateway, stream);
    // 2,095 fresh + 100 written to + 1,000 read from the cache, as message_start said; the 16 bytes of text seen.
    expect(event).toMatchObject({ promptTokens: 3195, cachedTokens: 1000, completionTokens: 16 });
    expect(event?.costMicros).toBeGreaterThan(0);
  });
});
