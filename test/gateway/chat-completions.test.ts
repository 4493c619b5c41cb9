import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  chunk,
  completion,
  defaultHandler,
  type FakeUpstream,
  sendEvent,
  sendJson,
  startFakeOpenAi,
  startSse,
} from '../helpers/fake-openai.js';
import { postJson, startGateway, type TestGateway } from '../helpers/gateway.js';
import { within } from '../helpers/poll.js';

describe('chat completions', () => {
  let upstream: FakeUpstream;
  let gateway: TestGateway;
  let client: OpenAI;

  beforeAll(async () => {
    upstream = await startFakeOpenAi();
    gateway = await startGateway({ env: { OPENAI_API_KEY: 'sk-upstream-test', OPENAI_BASE_URL: upstream.baseUrl } });
    client = new OpenAI({ apiKey: gateway.masterKey, baseURL: gateway.api, maxRetries: 0 });
  });

  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  beforeEach(() => {
    upstream.handle(defaultHandler);
    upstream.requests.length = 0;
  });

  it('answers with the built-in mock provider and no provider key', async () => {
    const answer = await client.chat.completions.create({ model: 'mock/echo', messages: [{ role: 'user', content: 'Hello, Shuttle!' }] });
    expect(answer.choices[0]?.message.content).toBe('Hello, Shuttle!');
    expect(answer.usage).toMatchObject({ prompt_tokens: 4, completion_tokens: 4, total_tokens: 8 });
  });

  it('honours max_tokens and n on the mock provider', async () => {
    const answer = await client.chat.completions.create({
      model: 'mock/echo',
      n: 2,
      max_tokens: 2,
      messages: [{ role: 'user', content: 'one two three four' }],
    });
    expect(answer.choices).toHaveLength(2);
    expect(answer.choices[1]?.message.content).toBe('one two');
    expect(answer.choices[0]?.finish_reason).toBe('length');
    expect(answer.usage?.completion_tokens).toBe(4);
  });

  it('forwards the request to OpenAI with the model rewritten and the upstream key, passing every other field through', async () => {
    const tools = [
      {
        type: 'function' as const,
        function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
      },
    ];
    await client.chat.completions.create({
      model: 'openai/gpt-4o-mini',
      messages: [{ role: 'user', content: 'Weather?' }],
      tools,
      tool_choice: 'auto',
      response_format: { type: 'json_object' },
      n: 3,
      max_tokens: 77,
      max_completion_tokens: 88,
      temperature: 0.2,
      user: 'end-user-1',
    });
    const sent = upstream.requests[0];
    expect(sent?.url).toBe('/v1/chat/completions');
    expect(sent?.headers.authorization).toBe('Bearer sk-upstream-test');
    expect(sent?.body).toMatchObject({
      model: 'gpt-4o-mini',
      tools,
      tool_choice: 'auto',
      response_format: { type: 'json_object' },
      n: 3,
      max_tokens: 77,
      max_completion_tokens: 88,
      temperature: 0.2,
      user: 'end-user-1',
    });
  });

  it('returns the upstream answer unchanged, tool calls included', async () => {
    const body = completion('', {
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: null,
            tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }],
          },
          finish_reason: 'tool_calls',
          logprobs: null,
        },
      ],
    });
    upstream.handle((_request, res) => sendJson(res, 200, body));
    const response = await postJson(gateway, '/chat/completions', {
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Weather?' }],
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(body);
    expect(response.headers.get('x-shuttle-provider')).toBe('openai');
    expect(response.headers.get('x-shuttle-model')).toBe('gpt-4o-mini-2024-07-18');
  });

  it('resolves a bare model name that only one configured provider offers', async () => {
    await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] });
    expect(upstream.requests[0]?.body.model).toBe('gpt-4o');
  });

  it('streams with the SDK, ending at [DONE]', async () => {
    const stream = await client.chat.completions.create({
      model: 'openai/gpt-4o-mini',
      stream: true,
      messages: [{ role: 'user', content: 'hi' }],
    });
    let text = '';
    for await (const part of stream) text += part.choices[0]?.delta.content ?? '';
    expect(text).toBe('Hello there');
  });

  it('always asks the upstream for usage, but only shows the usage chunk to clients that asked', async () => {
    const read = async (includeUsage: boolean) => {
      const response = await postJson(gateway, '/chat/completions', {
        model: 'openai/gpt-4o-mini',
        stream: true,
        ...(includeUsage ? { stream_options: { include_usage: true } } : {}),
        messages: [{ role: 'user', content: 'hi' }],
      });
      return response.text();
    };
    const without = await read(false);
    expect(upstream.requests[0]?.body.stream_options).toEqual({ include_usage: true });
    expect(without).not.toContain('"prompt_tokens"');
    expect(without.trimEnd().endsWith('data: [DONE]')).toBe(true);
    const withUsage = await read(true);
    expect(withUsage).toContain('"prompt_tokens":12');
  });

  it('forwards each upstream chunk as it arrives instead of buffering the stream', async () => {
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    upstream.handle(async (_request, res) => {
      startSse(res);
      sendEvent(res, chunk({ role: 'assistant', content: 'first' }));
      await released;
      sendEvent(res, chunk({ content: ' second' }, 'stop'));
      res.end('data: [DONE]\n\n');
    });
    const response = await postJson(gateway, '/chat/completions', {
      model: 'openai/gpt-4o-mini',
      stream: true,
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    const held = () => 'no chunk arrived within 10 s: the stream is held back until the provider finishes';
    const first = decoder.decode((await within(reader.read(), 10_000, held)).value);
    expect(first).toContain('"first"');
    expect(first).not.toContain('second');
    release();
    let rest = '';
    for (let part = await reader.read(); !part.done; part = await reader.read()) rest += decoder.decode(part.value);
    expect(rest).toContain('second');
    expect(rest).toContain('data: [DONE]');
  });

  it('lists models in the OpenAI format', async () => {
    const models = await client.models.list();
    const ids = models.data.map((model) => model.id);
    expect(ids).toContain('mock/echo');
    expect(ids).toContain('openai/gpt-4o-mini');
  });

  it('surfaces errors as the SDK’s typed errors', async () => {
    upstream.handle((_request, res) =>
      sendJson(res, 404, {
        error: { message: 'The model `nothing` does not exist', type: 'invalid_request_error', code: 'model_not_found' },
      }),
    );
    await expect(
      client.chat.completions.create({ model: 'openai/nothing', messages: [{ role: 'user', content: 'x' }] }),
    ).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    const wrongKey = new OpenAI({ apiKey: 'ps_wrong', baseURL: gateway.api, maxRetries: 0 });
    await expect(
      wrongKey.chat.completions.create({ model: 'mock/echo', messages: [{ role: 'user', content: 'x' }] }),
    ).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    upstream.handle((_request, res) =>
      sendJson(res, 429, { error: { message: 'Slow down', type: 'requests', code: 'rate_limit_exceeded' } }, { 'retry-after': '7' }),
    );
    const error = await client.chat.completions
      .create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect((error as InstanceType<typeof OpenAI.RateLimitError>).message).toContain('Slow down');
  });
});
