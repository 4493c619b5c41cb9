// Translation details found with real wire formats: provider errors keep their code and param, Gemini's thoughts are
// reasoning tokens, an empty conversation is refused, and Anthropic's cache_control reaches the provider.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeUpstream, sendEvent, sendJson, startFakeUpstream, startSse } from '../helpers/fake-upstream.js';
import { postJson, startGateway, type TestGateway } from '../helpers/gateway.js';
import { postStream } from '../helpers/gateway-client.js';
import { MODEL as CLAUDE, message } from './fixtures/anthropic.js';
import { converse, HAIKU } from './fixtures/bedrock.js';
import { answer, usageMetadata } from './fixtures/google.js';
import { translatingProvidersAt } from './fixtures/translating-providers.js';

describe('translation details', () => {
  let upstream: FakeUpstream;
  let gateway: TestGateway;
  let client: OpenAI;

  const defaultAnswer = () =>
    upstream.handle((request, res) => {
      if (request.url === '/v1/messages') return sendJson(res, 200, message([{ type: 'text', text: 'Hi.' }]));
      if (request.url.startsWith('/model/')) return sendJson(res, 200, converse([{ text: 'Hi.' }]));
      if (request.url.includes(':streamGenerateContent')) {
        startSse(res);
        sendEvent(res, answer([{ text: 'Hi' }], null, { usageMetadata: undefined }));
        sendEvent(res, answer([{ text: '.' }]));
        res.end();
        return;
      }
      return sendJson(res, 200, answer([{ text: 'Hi.' }]));
    });

  beforeAll(async () => {
    upstream = await startFakeUpstream((_request, res) => sendJson(res, 500, {}));
    defaultAnswer();
    gateway = await startGateway({
      env: {
        ...translatingProvidersAt(upstream.url),
        OPENAI_API_KEY: 'sk-test',
        OPENAI_BASE_URL: `${upstream.url}/openai/v1`,
      },
    });
    client = new OpenAI({ baseURL: gateway.api, apiKey: gateway.masterKey, maxRetries: 0 });
  });

  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  const hello = [{ role: 'user' as const, content: 'Hi' }];

  it("keeps Anthropic's error type as the code the client sees (rate_limit_error)", async () => {
    upstream.handle((_request, res) =>
      sendJson(
        res,
        429,
        { type: 'error', error: { type: 'rate_limit_error', message: 'Number of request tokens has exceeded your per-minute rate limit' } },
        { 'retry-after': '0' },
      ),
    );
    try {
      const failure = await client.chat.completions
        .create({ model: `anthropic/${CLAUDE}`, messages: hello })
        .catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(OpenAI.RateLimitError);
      expect(failure).toMatchObject({ status: 429, code: 'rate_limit_error', type: 'rate_limit_error' });
    } finally {
      defaultAnswer();
    }
  });

  it("keeps OpenAI's param (and code) on a refused request", async () => {
    const error = {
      message: "Unsupported value: 'temperature' does not support 0.5 with this model. Only the default (1) value is supported.",
      type: 'invalid_request_error',
      param: 'temperature',
      code: 'unsupported_value',
    };
    upstream.handle((_request, res) => sendJson(res, 400, { error }));
    try {
      const failure = await client.chat.completions
        .create({ model: 'openai/o4-mini', messages: hello, temperature: 0.5 })
        .catch((caught: unknown) => caught);
      expect(failure).toBeInstanceOf(OpenAI.BadRequestError);
      expect(failure).toMatchObject({ status: 400, param: 'temperature', code: 'unsupported_value', type: 'invalid_request_error' });
    } finally {
      defaultAnswer();
    }
  });

  it("reports Gemini's thinking tokens as completion_tokens_details.reasoning_tokens, whole and streamed", async () => {
    const completion = await client.chat.completions.create({ model: 'google/gemini-2.5-flash', messages: hello });
    expect(completion.usage).toMatchObject({
      completion_tokens: usageMetadata.candidatesTokenCount + usageMetadata.thoughtsTokenCount,
      completion_tokens_details: { reasoning_tokens: usageMetadata.thoughtsTokenCount },
    });
    const stream = await postStream(gateway, {
      model: 'google/gemini-2.5-flash',
      messages: hello,
      stream_options: { include_usage: true },
    });
    expect(stream.chunks.at(-1)).toMatchObject({
      usage: { completion_tokens_details: { reasoning_tokens: usageMetadata.thoughtsTokenCount } },
    });
  });

  it('refuses a conversation of only empty messages with a 400 instead of sending an empty one', async () => {
    const before = upstream.requests.length;
    for (const model of [`anthropic/${CLAUDE}`, `bedrock/${HAIKU}`, 'google/gemini-2.5-flash']) {
      const response = await postJson(gateway, '/chat/completions', {
        model,
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: '' },
        ],
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: { code: 'invalid_request', param: 'messages' } });
    }
    expect(upstream.requests.length).toBe(before);
  });

  it('passes cache_control on content parts and tools to Anthropic, and marks a Bedrock cachePoint', async () => {
    const ephemeral = { type: 'ephemeral' };
    const long = 'A long reference document. '.repeat(50);
    const messages = [
      { role: 'system', content: [{ type: 'text', text: long, cache_control: ephemeral }] },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'First question', cache_control: { type: 'ephemeral', ttl: '1h' } },
          { type: 'text', text: 'Second question' },
        ],
      },
    ];
    const tools = [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object' } }, cache_control: ephemeral }];
    expect((await postJson(gateway, '/chat/completions', { model: `anthropic/${CLAUDE}`, messages, tools })).status).toBe(200);
    const sent = upstream.last().body;
    expect(sent.system).toEqual([{ type: 'text', text: long, cache_control: ephemeral }]);
    expect(sent.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'First question', cache_control: { type: 'ephemeral', ttl: '1h' } },
          { type: 'text', text: 'Second question' },
        ],
      },
    ]);
    expect(sent.tools).toEqual([{ name: 'lookup', input_schema: { type: 'object' }, cache_control: ephemeral }]);

    expect((await postJson(gateway, '/chat/completions', { model: `bedrock/${HAIKU}`, messages })).status).toBe(200);
    expect(upstream.last().body.messages).toEqual([
      { role: 'user', content: [{ text: 'First question' }, { cachePoint: { type: 'default' } }, { text: 'Second question' }] },
    ]);
  });

  it('translates reasoning_effort to a Gemini thinking budget, and refuses legacy functions where they would be dropped', async () => {
    const budgets = { none: 0, low: 1024, medium: 8192, high: 24576 };
    for (const [effort, thinkingBudget] of Object.entries(budgets)) {
      const response = await postJson(gateway, '/chat/completions', {
        model: 'google/gemini-2.5-flash',
        messages: hello,
        reasoning_effort: effort,
      });
      expect(response.status).toBe(200);
      expect(upstream.last().body.generationConfig).toEqual({ thinkingConfig: { thinkingBudget } });
    }
    const unknown = await postJson(gateway, '/chat/completions', {
      model: 'google/gemini-2.5-flash',
      messages: hello,
      reasoning_effort: 'max',
    });
    expect(unknown.status).toBe(400);
    const functions = [{ name: 'lookup', parameters: { type: 'object' } }];
    for (const model of [`anthropic/${CLAUDE}`, `bedrock/${HAIKU}`, 'google/gemini-2.5-flash']) {
      const legacy = await postJson(gateway, '/chat/completions', { model, messages: hello, functions });
      expect(legacy.status).toBe(400);
      expect(await legacy.json()).toMatchObject({ error: { code: 'invalid_request', param: 'functions' } });
    }
  });
});
