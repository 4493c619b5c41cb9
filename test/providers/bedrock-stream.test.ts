import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { converseEvent, converseException } from '../helpers/event-stream-frames.js';
import { type FakeUpstream, type RecordedRequest, sendJson, startFakeUpstream } from '../helpers/fake-upstream.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { openStream, postStream, usageEventOf } from '../helpers/gateway-client.js';
import { converse, credentials, expectSignedBy, HAIKU, sendFrames, usage } from './fixtures/bedrock.js';

describe('Amazon Bedrock ConverseStream', () => {
  let upstream: FakeUpstream;
  let gateway: TestGateway;
  const hello = (_request: RecordedRequest, res: ServerResponse) => sendJson(res, 200, converse([{ text: 'Hello from Bedrock.' }]));

  beforeAll(async () => {
    upstream = await startFakeUpstream(hello);
    gateway = await startGateway({
      env: {
        AWS_ACCESS_KEY_ID: credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
        AWS_SESSION_TOKEN: credentials.sessionToken,
        AWS_REGION: 'eu-west-1',
        BEDROCK_BASE_URL: upstream.url,
      },
    });
  });

  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  beforeEach(() => upstream.handle(hello));

  it('decodes the ConverseStream event stream as it arrives into OpenAI chunks, metering its metadata', async () => {
    upstream.handle((_request, res) =>
      sendFrames(res, [
        converseEvent('messageStart', { role: 'assistant' }),
        converseEvent('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'Checking ' } }),
        converseEvent('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'now.' } }),
        converseEvent('contentBlockStop', { contentBlockIndex: 0 }),
        converseEvent('contentBlockStart', { contentBlockIndex: 1, start: { toolUse: { toolUseId: 'tooluse_s1', name: 'top_song' } } }),
        converseEvent('contentBlockDelta', { contentBlockIndex: 1, delta: { toolUse: { input: '{"sign":' } } }),
        converseEvent('contentBlockDelta', { contentBlockIndex: 1, delta: { toolUse: { input: '"WZPZ"}' } } }),
        converseEvent('contentBlockStop', { contentBlockIndex: 1 }),
        converseEvent('messageStop', { stopReason: 'tool_use' }),
        converseEvent('metadata', { usage, metrics: { latencyMs: 900 } }),
      ]),
    );
    const stream = await postStream(gateway, {
      model: `bedrock/${HAIKU}`,
      messages: [{ role: 'user', content: 'Top song?' }],
      stream_options: { include_usage: true },
    });
    expect(upstream.last().url).toBe('/model/anthropic.claude-3-5-haiku-20241022-v1%3A0/converse-stream');
    expectSignedBy(upstream.last(), 'eu-west-1');
    expect(stream.text).toBe('Checking now.');
    const calls = stream.chunks.flatMap((chunk) =>
      (chunk.choices as Array<{ delta: { tool_calls?: unknown[] } }>).flatMap((choice) => choice.delta.tool_calls ?? []),
    );
    expect(calls).toEqual([
      { index: 0, id: 'tooluse_s1', type: 'function', function: { name: 'top_song', arguments: '' } },
      { index: 0, function: { arguments: '{"sign":' } },
      { index: 0, function: { arguments: '"WZPZ"}' } },
    ]);
    expect(stream.chunks.at(-2)).toMatchObject({ choices: [{ finish_reason: 'tool_calls' }] });
    expect(stream.chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 1000, completion_tokens: 500 } });
    expect(stream.data.at(-1)).toBe('[DONE]');
    expect(await usageEventOf(gateway, stream)).toMatchObject({
      streamed: true,
      promptTokens: 1000,
      completionTokens: 500,
      costMicros: 2656,
    });
  });

  it('ends a stream with the error of an exception event', async () => {
    upstream.handle((_request, res) =>
      sendFrames(res, [
        converseEvent('messageStart', { role: 'assistant' }),
        converseException('throttlingException', 'Too many tokens, please wait before trying again.'),
      ]),
    );
    const stream = await postStream(gateway, { model: `bedrock/${HAIKU}`, messages: [{ role: 'user', content: 'Hi' }] });
    expect(stream.chunks.at(-1)).toEqual({
      error: {
        message: 'Too many tokens, please wait before trying again.',
        type: 'rate_limit_error',
        code: 'ThrottlingException',
        param: null,
        provider: 'bedrock',
      },
    });
    expect(await usageEventOf(gateway, stream)).toMatchObject({ status: 429, errorCode: 'ThrottlingException' });
  });

  it('forwards each event as its frame arrives instead of buffering the answer', async () => {
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    upstream.handle(async (_request, res) => {
      res.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream' });
      res.write(
        Buffer.concat([
          converseEvent('messageStart', { role: 'assistant' }),
          converseEvent('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'first' } }),
        ]),
      );
      await released;
      res.write(converseEvent('contentBlockDelta', { contentBlockIndex: 0, delta: { text: ' second' } }));
      res.write(converseEvent('messageStop', { stopReason: 'end_turn' }));
      res.end(converseEvent('metadata', { usage }));
    });
    const stream = await openStream(gateway, { model: `bedrock/${HAIKU}`, messages: [{ role: 'user', content: 'Hi' }] });
    expect(await stream.readUntil(/"first"/)).not.toContain('second');
    release();
    const rest = await stream.rest();
    expect(rest).toContain('" second"');
    expect(rest).toContain('data: [DONE]');
  });
});
