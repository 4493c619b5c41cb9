// The Anthropic Messages API (POST /api/v1/messages, /messages/count_tokens), driven by Anthropic's own SDK against the
// real server: passed through natively to a fake Anthropic, translated for a fake OpenAI and the mock provider.
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { call, login } from '../helpers/api.js';
import { chunk, completion, defaultHandler, type FakeUpstream as FakeOpenAi, startFakeOpenAi, usageChunk } from '../helpers/fake-openai.js';
import { type FakeUpstream, sendEvent, sendJson, startFakeUpstream, startSse } from '../helpers/fake-upstream.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { usageEventOf } from '../helpers/gateway-client.js';
import { MODEL, message } from '../providers/fixtures/anthropic.js';

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
    openai.requests.length = 0;
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
      // Claude Code calls the beta resource: /v1/messages?beta=true.
      const beta = await bearer.beta.messages.create({ model: 'mock/echo', max_tokens: 10, messages: [{ role: 'user', content: 'beta' }] });
      expect(beta.content).toEqual([{ type: 'text', text: 'beta' }]);
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

  describe('to an Anthropic model: passed through natively', () => {
    it('sends the request as it came with only the model replaced — cache_control, thinking, documents, server tools, beta header — and relays the answer', async () => {
      const body = {
        model: `anthropic/${MODEL}`,
        max_tokens: 2048,
        system: [{ type: 'text', text: 'You are terse.', cache_control: { type: 'ephemeral' } }],
        messages: [
          {
            role: 'user',
            content: [
              {
                type: 'document',
                source: { type: 'url', url: 'https://example.com/paper.pdf' },
                cache_control: { type: 'ephemeral', ttl: '1h' },
              },
              { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
              { type: 'text', text: 'Summarise.' },
            ],
          },
        ],
        thinking: { type: 'enabled', budget_tokens: 1024 },
        stop_sequences: ['END'],
        top_k: 5,
        metadata: { user_id: 'claude-user-7' },
        tools: [
          {
            name: 'get_weather',
            input_schema: { type: 'object', properties: { city: { type: 'string' } } },
            cache_control: { type: 'ephemeral' },
          },
          { type: 'web_search_20250305', name: 'web_search', max_uses: 2 },
        ],
        tool_choice: { type: 'auto', disable_parallel_tool_use: true },
      };
      const { data, response } = await client.messages
        .create(body as never, { headers: { 'anthropic-version': '2023-06-01', 'anthropic-beta': 'interleaved-thinking-2025-05-14' } })
        .withResponse();
      const sent = anthropic.last();
      expect(sent.url).toBe('/v1/messages');
      expect(sent.body).toEqual({ ...body, model: MODEL });
      expect(sent.headers['x-api-key']).toBe('sk-ant-upstream');
      expect(sent.headers['anthropic-version']).toBe('2023-06-01');
      expect(sent.headers['anthropic-beta']).toBe('interleaved-thinking-2025-05-14');
      expect(sent.headers.authorization).toBeUndefined();
      expect(data).toEqual(message([{ type: 'text', text: 'Hi! My name is Claude.' }]));
      expect(response.headers.get('x-shuttle-provider')).toBe('anthropic');
      expect(response.headers.get('x-shuttle-cost-usd')).toBe('0.014430');
      // 2,095 fresh + 100 written to the cache at $3, 1,000 cache reads at $0.30, 503 out at $15, per million tokens.
      const event = await usageEventOf(gateway, response);
      expect(event).toMatchObject({
        endpoint: 'messages',
        provider: 'anthropic',
        servedModel: MODEL,
        promptTokens: 3195,
        completionTokens: 503,
        cachedTokens: 1000,
        costMicros: 14_430,
      });
      const customer = await call(gateway, 'GET', '/customers/claude-user-7', { auth: gateway.masterKey });
      expect(customer.status).toBe(200);
      expect(event?.customerId).toBe(customer.body.id);
    });

    it('relays the stream byte for byte, tool input as input_json_delta, and meters its usage events', async () => {
      let upstreamText = '';
      anthropic.handle((_request, res) => {
        startSse(res);
        const send = (type: string, fields: Record<string, unknown>) => {
          const data = JSON.stringify({ type, ...fields });
          upstreamText += `event: ${type}\ndata: ${data}\n\n`;
          sendEvent(res, data, type);
        };
        send('message_start', { message: { ...message([], '', { output_tokens: 1 }), stop_reason: null } });
        send('content_block_start', { index: 0, content_block: { type: 'text', text: '' } });
        send('ping', {});
        send('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'Checking.' } });
        send('content_block_stop', { index: 0 });
        send('content_block_start', { index: 1, content_block: { type: 'tool_use', id: 'toolu_01', name: 'get_weather', input: {} } });
        send('content_block_delta', { index: 1, delta: { type: 'input_json_delta', partial_json: '{"city": "Ro' } });
        send('content_block_delta', { index: 1, delta: { type: 'input_json_delta', partial_json: 'me"}' } });
        send('content_block_stop', { index: 1 });
        send('message_delta', { delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 40 } });
        send('message_stop', {});
        res.end();
      });
      const request = {
        model: `anthropic/${MODEL}`,
        max_tokens: 1024,
        messages: [{ role: 'user' as const, content: 'Weather in Rome?' }],
        tools: [{ name: 'get_weather', input_schema: { type: 'object' as const, properties: { city: { type: 'string' } } } }],
      };
      const raw = await fetch(`${gateway.url}/api/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': gateway.masterKey },
        body: JSON.stringify({ ...request, stream: true }),
      });
      expect(raw.headers.get('content-type')).toMatch(/^text\/event-stream/);
      expect(await raw.text()).toBe(upstreamText);
      expect(anthropic.last().body).toEqual({ ...request, model: MODEL, stream: true });
      expect(await usageEventOf(gateway, raw)).toMatchObject({
        promptTokens: 3195,
        completionTokens: 40,
        cachedTokens: 1000,
        streamed: true,
      });

      const final = await client.messages.stream(request).finalMessage();
      expect(final.content).toEqual([
        { type: 'text', text: 'Checking.' },
        { type: 'tool_use', id: 'toolu_01', name: 'get_weather', input: { city: 'Rome' } },
      ]);
      expect(final.stop_reason).toBe('tool_use');
      expect(final.usage).toMatchObject({ input_tokens: 2095, output_tokens: 40, cache_read_input_tokens: 1000 });
    });

    it('bills a stream the client leaves for the prompt Anthropic reported and the text seen, and hangs up on Anthropic', async () => {
      let upstreamClosed!: () => void;
      const closed = new Promise<void>((resolve) => {
        upstreamClosed = resolve;
      });
      const text = 'A partial answer that the client never sees the end of.';
      anthropic.handle((_request, res) => {
        startSse(res);
        sendEvent(
          res,
          { type: 'message_start', message: { ...message([], '', { output_tokens: 1 }), stop_reason: null } },
          'message_start',
        );
        sendEvent(res, { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }, 'content_block_start');
        sendEvent(res, { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } }, 'content_block_delta');
        // Never finishes: only the gateway hanging up ends it.
        res.once('close', () => upstreamClosed());
      });
      const stream = client.messages.stream({
        model: `anthropic/${MODEL}`,
        max_tokens: 1024,
        messages: [{ role: 'user', content: 'Go on' }],
      });
      const { response } = await stream.withResponse();
      await new Promise<void>((resolve) => stream.on('text', () => resolve()));
      stream.abort();
      await closed;
      let event = await usageEventOf(gateway, response);
      for (let tries = 0; event === undefined && tries < 100; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        event = await usageEventOf(gateway, response);
      }
      // Claude has no tokenizer here: its text counts by bytes, an upper bound.
      expect(event).toMatchObject({
        status: 499,
        errorCode: 'client_closed',
        promptTokens: 3195,
        cachedTokens: 1000,
        completionTokens: Buffer.byteLength(text),
      });
    });

    it('follows routing rules: overrides applied to the native body, and a fallback to another provider translated', async () => {
      const token = await login(gateway);
      const rule = {
        environment: 'production',
        targets: [
          { provider: 'anthropic', model: MODEL, overrides: { temperature: 0.2 } },
          { provider: 'openai', model: 'gpt-4o-mini' },
        ],
        retry: { attempts: 1, on: [529] },
      };
      expect((await call(gateway, 'PUT', '/routing-rules/claude-or-gpt', { auth: token, body: rule })).status).toBe(201);
      anthropic.handle((_request, res) =>
        sendJson(res, 529, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }),
      );
      const { data, response } = await client.messages
        .create({ model: 'claude-or-gpt', max_tokens: 64, messages: [{ role: 'user', content: 'Hi' }] })
        .withResponse();
      expect(anthropic.last().body).toEqual({
        model: MODEL,
        max_tokens: 64,
        temperature: 0.2,
        messages: [{ role: 'user', content: 'Hi' }],
      });
      expect(data).toMatchObject({ type: 'message', content: [{ type: 'text', text: 'Hello there' }], stop_reason: 'end_turn' });
      expect(response.headers.get('x-shuttle-provider')).toBe('openai');
      expect(response.headers.get('x-shuttle-attempts')).toBe('2');
      expect(await usageEventOf(gateway, response)).toMatchObject({ requestedModel: 'claude-or-gpt', provider: 'openai', status: 200 });
    });

    it('counts tokens with Anthropic’s own count_tokens', async () => {
      anthropic.handle((_request, res) => sendJson(res, 200, { input_tokens: 42 }));
      const system = [{ type: 'text' as const, text: 'You are terse.', cache_control: { type: 'ephemeral' as const } }];
      const counted = await client.messages.countTokens({
        model: `anthropic/${MODEL}`,
        system,
        messages: [{ role: 'user', content: 'Hi' }],
      });
      expect(counted).toEqual({ input_tokens: 42 });
      expect(anthropic.last().url).toBe('/v1/messages/count_tokens');
      expect(anthropic.last().body).toEqual({ model: MODEL, system, messages: [{ role: 'user', content: 'Hi' }] });
    });
  });

  describe('to another provider: translated', () => {
    it('round-trips a tool call: tool_use out, tool_result back in, with system blocks, images and tool_choice', async () => {
      openai.handle((_request, res) =>
        sendJson(
          res,
          200,
          completion('', {
            choices: [
              {
                index: 0,
                message: {
                  role: 'assistant',
                  content: null,
                  tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } }],
                },
                finish_reason: 'tool_calls',
                logprobs: null,
              },
            ],
          }),
        ),
      );
      const tools = [
        {
          name: 'get_weather',
          description: 'Weather in a city',
          input_schema: { type: 'object' as const, properties: { city: { type: 'string' } } },
        },
      ];
      const question = {
        role: 'user' as const,
        content: [
          { type: 'text' as const, text: 'Weather where this was taken?' },
          { type: 'image' as const, source: { type: 'base64' as const, media_type: 'image/png' as const, data: 'iVBORw0KGgo=' } },
        ],
      };
      const system = [{ type: 'text' as const, text: 'You are terse.', cache_control: { type: 'ephemeral' as const } }];
      const first = await client.messages.create({
        model: 'openai/gpt-4o-mini',
        max_tokens: 300,
        system,
        tools,
        tool_choice: { type: 'tool', name: 'get_weather' },
        metadata: { user_id: 'claude-user-8' },
        messages: [question],
      });
      expect(first).toMatchObject({
        type: 'message',
        role: 'assistant',
        content: [{ type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Rome' } }],
        stop_reason: 'tool_use',
        // OpenAI's 1,000 prompt tokens, 200 of them read from its cache.
        usage: { input_tokens: 800, cache_read_input_tokens: 200, output_tokens: 500 },
      });
      expect(openai.last().body).toEqual({
        model: 'gpt-4o-mini',
        messages: [
          { role: 'system', content: 'You are terse.' },
          {
            role: 'user',
            content: [
              { type: 'text', text: 'Weather where this was taken?' },
              { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
            ],
          },
        ],
        max_completion_tokens: 300,
        user: 'claude-user-8',
        tools: [
          { type: 'function', function: { name: 'get_weather', description: 'Weather in a city', parameters: tools[0]?.input_schema } },
        ],
        tool_choice: { type: 'function', function: { name: 'get_weather' } },
      });

      openai.handle(defaultHandler);
      const second = await client.messages.create({
        model: 'openai/gpt-4o-mini',
        max_tokens: 300,
        tools,
        messages: [
          question,
          { role: 'assistant', content: first.content },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_1', content: '21°C' }] },
        ],
      });
      expect(second.content).toEqual([{ type: 'text', text: 'Hello there' }]);
      expect(openai.last().body.messages).toEqual([
        expect.objectContaining({ role: 'user' }),
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } }],
        },
        { role: 'tool', tool_call_id: 'call_1', content: '21°C' },
      ]);
    });

    it('translates documents, failed tool results with images, and leaves thinking and cache_control out', async () => {
      await client.messages.create({
        model: 'openai/gpt-4o-mini',
        max_tokens: 50,
        thinking: { type: 'enabled', budget_tokens: 1024 },
        messages: [
          {
            role: 'user',
            content: [
              { type: 'document', title: 'paper', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0=' } },
              {
                type: 'document',
                source: { type: 'text', media_type: 'text/plain', data: 'Plain notes.' },
                cache_control: { type: 'ephemeral' },
              },
            ],
          },
          {
            role: 'assistant',
            content: [
              { type: 'thinking', thinking: 'Let me look.', signature: 'sig' },
              { type: 'tool_use', id: 'call_9', name: 'screenshot', input: {} },
            ],
          },
          {
            role: 'user',
            content: [
              {
                type: 'tool_result',
                tool_use_id: 'call_9',
                is_error: true,
                content: [
                  { type: 'text', text: 'Blurry.' },
                  { type: 'image', source: { type: 'url', url: 'https://example.com/shot.png' } },
                ],
              },
            ],
          },
        ],
      });
      const sent = openai.last().body;
      expect(sent.thinking).toBeUndefined();
      expect(sent.messages).toEqual([
        {
          role: 'user',
          content: [
            { type: 'file', file: { filename: 'paper.pdf', file_data: 'data:application/pdf;base64,JVBERi0=' } },
            { type: 'text', text: 'Plain notes.' },
          ],
        },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'call_9', type: 'function', function: { name: 'screenshot', arguments: '{}' } }],
        },
        { role: 'tool', tool_call_id: 'call_9', content: 'Error: Blurry.' },
        { role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/shot.png' } }] },
      ]);
    });

    it('streams a translated answer as Anthropic events: text, then a tool call as input_json_delta, usage at the end', async () => {
      openai.handle((_request, res) => {
        startSse(res);
        sendEvent(res, chunk({ role: 'assistant', content: '' }));
        sendEvent(res, chunk({ content: 'Let me check.' }));
        sendEvent(
          res,
          chunk({ tool_calls: [{ index: 0, id: 'call_2', type: 'function', function: { name: 'get_weather', arguments: '{"ci' } }] }),
        );
        sendEvent(res, chunk({ tool_calls: [{ index: 0, function: { arguments: 'ty":"Oslo"}' } }] }));
        sendEvent(res, chunk({}, 'tool_calls'));
        sendEvent(res, usageChunk(30, 7));
        res.end('data: [DONE]\n\n');
      });
      const stream = client.messages.stream({
        model: 'openai/gpt-4o-mini',
        max_tokens: 300,
        messages: [{ role: 'user', content: 'Weather in Oslo?' }],
        tools: [{ name: 'get_weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } }],
      });
      const deltas: string[] = [];
      stream.on('streamEvent', (event) => {
        if (event.type === 'content_block_delta') deltas.push(event.delta.type);
      });
      const final = await stream.finalMessage();
      expect(final.content).toEqual([
        { type: 'text', text: 'Let me check.' },
        { type: 'tool_use', id: 'call_2', name: 'get_weather', input: { city: 'Oslo' } },
      ]);
      expect(deltas).toEqual(['text_delta', 'input_json_delta', 'input_json_delta']);
      expect(final.stop_reason).toBe('tool_use');
      expect(final.usage).toMatchObject({ input_tokens: 30, output_tokens: 7 });
      const { response } = await stream.withResponse();
      expect(await usageEventOf(gateway, response)).toMatchObject({
        provider: 'openai',
        promptTokens: 30,
        completionTokens: 7,
        streamed: true,
      });
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

    it('Shuttle’s own rate limit is a RateLimitError with retry-after', async () => {
      const token = await login(gateway);
      const created = await call(gateway, 'POST', '/keys', { auth: token, body: { name: 'One a minute' } });
      await call(gateway, 'PATCH', `/keys/${created.body.id}`, { auth: token, body: { limits: { requestsPerMinute: 1 } } });
      const limited = new Anthropic({ apiKey: created.body.key, baseURL: `${gateway.url}/api`, maxRetries: 0 });
      const ask = () => limited.messages.create({ model: 'mock/echo', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] });
      await ask();
      const error = await ask().catch((e) => e);
      expect(error).toBeInstanceOf(Anthropic.RateLimitError);
      expect(error.error.error.type).toBe('rate_limit_error');
      expect(Number(error.headers.get('retry-after'))).toBeGreaterThan(0);
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
