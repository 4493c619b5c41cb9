// The Anthropic Messages API (POST /api/v1/messages, /messages/count_tokens), driven by Anthropic's own SDK against the
// real server: passed through natively to a fake Anthropic, translated for a fake OpenAI and the mock provider.
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { call, login } from '../helpers/api.js';
import { chunk, completion, defaultHandler, type FakeUpstream as FakeOpenAi, startFakeOpenAi } from '../helpers/fake-openai.js';
import { type FakeUpstream, sendEvent, sendJson, startFakeUpstream, startSse } from '../helpers/fake-upstream.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { usageEventOf } from '../helpers/gateway-client.js';
import { MODEL, message, streamText } from '../providers/fixtures/anthropic.js';

describe('the Anthropic Messages API', () => {
  let anthropic: FakeUpstream;
  let openai: FakeOpenAi;
  let gateway: TestGateway;
  let client: Anthropic;

  const answerText = (_request: unknown, res: Parameters<typeof sendJson>[0]) =>
    sendJson(res, 200, message([{ type: 'text', text: 'Hi! My name is Claude.' }]));

  beforeAll(async () => {
    anthropic = await startFakeUpstream(answerText);
    openai = await startFakeOpenAi();
    gateway = await startGateway({
      env: {
        ANTHROPIC_API_KEY: 'sk-ant-upstream',
        ANTHROPIC_BASE_URL: anthropic.url,
        OPENAI_API_KEY: 'sk-openai-upstream',
        OPENAI_BASE_URL: openai.baseUrl,
      },
    });
    client = new Anthropic({ apiKey: gateway.masterKey, baseURL: `${gateway.url}/api`, maxRetries: 0 });
  });

  afterAll(async () => {
    await gateway?.close();
    await anthropic?.close();
    await openai?.close();
  });

  beforeEach(() => {
    anthropic.handle(answerText);
    openai.handle(defaultHandler);
  });

  describe('with the mock provider', () => {
    it('answers a message, authenticated by x-api-key, with usage and the x-shuttle-* headers', async () => {
      const { data, response } = await client.messages
        .create({ model: 'mock/echo', max_tokens: 100, messages: [{ role: 'user', content: 'Hello, Shuttle!' }] })
        .withResponse();
      expect(data).toMatchObject({
        type: 'message',
        role: 'assistant',
        model: 'echo',
        content: [{ type: 'text', text: 'Hello, Shuttle!' }],
        stop_reason: 'end_turn',
        usage: { input_tokens: 4, output_tokens: 4 },
      });
      expect(data.id).toMatch(/^msg_/);
      expect(response.headers.get('x-shuttle-provider')).toBe('mock');
      expect(await usageEventOf(gateway, response)).toMatchObject({ endpoint: 'messages', promptTokens: 4, completionTokens: 4 });
    });

    it('streams Anthropic’s event sequence, which the SDK’s stream helper assembles into the final message', async () => {
      const stream = client.messages.stream({
        model: 'mock/echo',
        max_tokens: 100,
        messages: [{ role: 'user', content: 'one two three' }],
      });
      const types: string[] = [];
      stream.on('streamEvent', (event) => types.push(event.type));
      const final = await stream.finalMessage();
      expect(final.content).toEqual([{ type: 'text', text: 'one two three' }]);
      expect(final.stop_reason).toBe('end_turn');
      expect(final.usage).toMatchObject({ input_tokens: 3, output_tokens: 3 });
      expect(types[0]).toBe('message_start');
      expect(types.slice(1, 2)).toEqual(['content_block_start']);
      expect(types.filter((type) => type === 'content_block_delta').length).toBeGreaterThan(1);
      expect(types.slice(-3)).toEqual(['content_block_stop', 'message_delta', 'message_stop']);
    });

    it('accepts the key as a Bearer token too', async () => {
      const bearer = new Anthropic({ authToken: gateway.masterKey, apiKey: null, baseURL: `${gateway.url}/api`, maxRetries: 0 });
      const answer = await bearer.messages.create({ model: 'mock/echo', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] });
      expect(answer.content).toEqual([{ type: 'text', text: 'hi' }]);
    });

    it('counts tokens without calling a provider', async () => {
      const counted = await client.messages.countTokens({
        model: 'mock/echo',
        system: 'You are terse.',
        messages: [{ role: 'user', content: 'Hello, Shuttle! How many tokens is this?' }],
      });
      expect(counted.input_tokens).toBeGreaterThan(10);
      expect(counted.input_tokens).toBeLessThan(100);
    });
  });

  describe('errors, as the SDK’s typed errors', () => {
    it('a bad key is an AuthenticationError, and so is none', async () => {
      const wrong = new Anthropic({ apiKey: `ps_${'x'.repeat(49)}`, baseURL: `${gateway.url}/api`, maxRetries: 0 });
      const error = await wrong.messages
        .create({ model: 'mock/echo', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] })
        .catch((e) => e);
      expect(error).toBeInstanceOf(Anthropic.AuthenticationError);
      expect(error.error).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });

      const response = await fetch(`${gateway.url}/api/v1/messages`, {
        method: 'POST',
        body: '{}',
        headers: { 'content-type': 'application/json' },
      });
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({
        type: 'error',
        error: { type: 'authentication_error', message: expect.stringContaining('x-api-key') },
      });
    });

    it('invalid input is a BadRequestError naming the field; invalid JSON too', async () => {
      const error = await client.messages
        .create({ model: 'mock/echo', messages: [{ role: 'user', content: 'hi' }] } as never)
        .catch((e) => e);
      expect(error).toBeInstanceOf(Anthropic.BadRequestError);
      expect(error.error.error).toMatchObject({ type: 'invalid_request_error', message: expect.stringContaining('max_tokens') });

      const response = await fetch(`${gateway.url}/api/v1/messages`, {
        method: 'POST',
        body: '{"model": ',
        headers: { 'content-type': 'application/json', 'x-api-key': gateway.masterKey },
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
    });

    it('an unknown model is a NotFoundError, a model the key may not use a PermissionDeniedError', async () => {
      const missing = await client.messages
        .create({ model: 'anthropic-nope/none', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] })
        .catch((e) => e);
      expect(missing).toBeInstanceOf(Anthropic.NotFoundError);
      expect(missing.error.error.type).toBe('not_found_error');

      const token = await login(gateway);
      const created = await call(gateway, 'POST', '/keys', { auth: token, body: { name: 'OpenAI only' } });
      await call(gateway, 'PATCH', `/keys/${created.body.id}`, { auth: token, body: { allowedModels: ['openai/*'] } });
      const limited = new Anthropic({ apiKey: created.body.key, baseURL: `${gateway.url}/api`, maxRetries: 0 });
      const refused = await limited.messages
        .create({ model: 'mock/echo', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] })
        .catch((e) => e);
      expect(refused).toBeInstanceOf(Anthropic.PermissionDeniedError);
      expect(refused.error.error.type).toBe('permission_error');
    });

    it('Anthropic’s own tools, refused for another provider, are a BadRequestError', async () => {
      const error = await client.messages
        .create({
          model: 'openai/gpt-4o-mini',
          max_tokens: 10,
          tools: [{ type: 'web_search_20250305', name: 'web_search' }],
          messages: [{ role: 'user', content: 'hi' }],
        })
        .catch((e) => e);
      expect(error).toBeInstanceOf(Anthropic.BadRequestError);
      expect(error.message).toContain('web_search_20250305');
      expect(openai.requests).toHaveLength(0);
    });

    it('an Anthropic error is passed on with its status and type; one mid-stream raises from the stream', async () => {
      anthropic.handle((_request, res) =>
        sendJson(res, 429, {
          type: 'error',
          error: { type: 'rate_limit_error', message: 'Number of requests has exceeded your rate limit.' },
        }),
      );
      const limited = await client.messages
        .create({ model: `anthropic/${MODEL}`, max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] })
        .catch((e) => e);
      expect(limited).toBeInstanceOf(Anthropic.RateLimitError);
      expect(limited.error.error).toMatchObject({ type: 'rate_limit_error', message: expect.stringContaining('rate limit') });

      anthropic.handle((_request, res) => {
        startSse(res);
        sendEvent(res, { type: 'message_start', message: { ...message([]), stop_reason: null } }, 'message_start');
        sendEvent(res, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }, 'error');
        res.end();
      });
      const stream = client.messages.stream({ model: `anthropic/${MODEL}`, max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] });
      const failed = await stream.finalMessage().catch((e) => e);
      expect(failed).toBeInstanceOf(Anthropic.APIError);
      expect(failed.error).toMatchObject({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });
    });
  });
});
