import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeUpstream, sendEvent, sendJson, startFakeUpstream, startSse } from '../helpers/fake-upstream.js';
import { postJson, startGateway, type TestGateway } from '../helpers/gateway.js';
import { postStream, usageEventOf } from '../helpers/gateway-client.js';

const start = {
  type: 'message_start',
  message: {
    id: 'msg_1',
    type: 'message',
    role: 'assistant',
    model: 'claude-3-5-haiku-20241022',
    content: [],
    stop_reason: null,
    usage: { input_tokens: 5, output_tokens: 1 },
  },
};

const SECRETS = { anthropic: 'sk-ant-never-logged-1', groq: 'gsk_never_logged_2', aws: 'aws-secret-never-logged-3' };

describe('streams that fail after the answer has begun', () => {
  let upstream: FakeUpstream;
  let gateway: TestGateway;
  const stall = new Promise<void>(() => undefined);

  beforeAll(async () => {
    upstream = await startFakeUpstream(() => undefined);
    gateway = await startGateway({
      captureLogs: true,
      env: {
        ANTHROPIC_API_KEY: SECRETS.anthropic,
        ANTHROPIC_BASE_URL: upstream.url,
        GROQ_API_KEY: SECRETS.groq,
        GROQ_BASE_URL: `${upstream.url}/groq/v1`,
        AWS_ACCESS_KEY_ID: 'AKIDLOGCHECK',
        AWS_SECRET_ACCESS_KEY: SECRETS.aws,
        BEDROCK_BASE_URL: upstream.url,
        SHUTTLE_UPSTREAM_TIMEOUT_MS: '300',
      },
    });
  });

  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  it('ends with upstream_timeout when a translated stream stalls between events', async () => {
    upstream.handle(async (_request, res) => {
      startSse(res);
      sendEvent(res, start, 'message_start');
      await stall;
    });
    const stream = await postStream(gateway, { model: 'anthropic/claude-3-5-haiku-20241022', messages: [{ role: 'user', content: 'Hi' }] });
    expect(stream.status).toBe(200);
    expect(stream.chunks.at(-1)).toMatchObject({ error: { code: 'upstream_timeout', provider: 'anthropic' } });
    expect(await usageEventOf(gateway, stream)).toMatchObject({ status: 504, errorCode: 'upstream_timeout' });
  });

  it('ends with upstream_timeout when an OpenAI-compatible stream stalls between chunks', async () => {
    upstream.handle(async (_request, res) => {
      startSse(res);
      sendEvent(res, {
        id: 'c',
        object: 'chat.completion.chunk',
        created: 1,
        model: 'llama-3.1-8b-instant',
        choices: [{ index: 0, delta: { content: 'Hi' }, finish_reason: null }],
      });
      await stall;
    });
    const stream = await postStream(gateway, { model: 'groq/llama-3.1-8b-instant', messages: [{ role: 'user', content: 'Hi' }] });
    expect(stream.text).toBe('Hi');
    expect(stream.chunks.at(-1)).toMatchObject({ error: { code: 'upstream_timeout', provider: 'groq' } });
  });

  it('reports an Anthropic stream cut off before message_stop instead of ending it as if complete', async () => {
    upstream.handle((_request, res) => {
      startSse(res);
      sendEvent(res, start, 'message_start');
      sendEvent(res, { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Half' } }, 'content_block_delta');
      res.end();
    });
    const stream = await postStream(gateway, { model: 'anthropic/claude-3-5-haiku-20241022', messages: [{ role: 'user', content: 'Hi' }] });
    expect(stream.text).toBe('Half');
    expect(stream.data).not.toContain('[DONE]');
    expect(stream.chunks.at(-1)).toMatchObject({ error: { code: 'upstream_invalid_response', provider: 'anthropic' } });
  });

  it('meters the tokens a stream delivered before the provider reset its connection, and says it was cut', async () => {
    const chunk = { id: 'c', object: 'chat.completion.chunk', created: 1, model: 'llama-3.1-8b-instant' };
    upstream.handle((_request, res) => {
      startSse(res);
      sendEvent(res, { ...chunk, choices: [{ index: 0, delta: { content: 'Hello' }, finish_reason: null }] });
      sendEvent(res, { ...chunk, choices: [{ index: 0, delta: { content: ' world' }, finish_reason: null }] });
      // The events leave first; then the connection is reset, as a provider's crashing server would.
      setTimeout(() => res.socket?.resetAndDestroy(), 50);
    });
    const stream = await postStream(gateway, { model: 'groq/llama-3.1-8b-instant', messages: [{ role: 'user', content: 'Hi' }] });
    expect(stream.text).toBe('Hello world');
    expect(stream.data).not.toContain('[DONE]');
    expect(stream.chunks.at(-1)).toMatchObject({ error: { code: 'upstream_interrupted', provider: 'groq' } });
    const usage = await usageEventOf(gateway, stream);
    expect(usage).toMatchObject({ status: 502, errorCode: 'upstream_interrupted', streamed: true });
    // What was delivered, counted by the stream tally: "Hello world" is 2 tokens, or 11 bytes without a tokenizer.
    expect(usage?.completionTokens).toBeGreaterThanOrEqual(2);
    expect(usage?.completionTokens).toBeLessThanOrEqual(11);
    expect(usage?.costMicros).toBeGreaterThan(0);
  });

  it('answers 502 upstream_interrupted, with no stream begun, when the connection is reset before the first event', async () => {
    upstream.handle((_request, res) => {
      startSse(res);
      res.flushHeaders();
      setTimeout(() => res.socket?.resetAndDestroy(), 20);
    });
    const response = await postJson(gateway, '/chat/completions', {
      model: 'groq/llama-3.1-8b-instant',
      stream: true,
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(response.status).toBe(502);
    expect(await response.json()).toMatchObject({ error: { code: 'upstream_interrupted', provider: 'groq' } });
  });

  it('logs no provider credential, whatever failed', async () => {
    upstream.handle((_request, res) => sendJson(res, 500, { message: 'Internal server error' }));
    const response = await postJson(gateway, '/chat/completions', {
      model: 'bedrock/amazon.nova-lite-v1:0',
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(response.status).toBe(500);
    const logs = gateway.logText();
    expect(logs).toContain('"status":500');
    for (const secret of Object.values(SECRETS)) expect(logs).not.toContain(secret);
  });
});
