import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeUpstream, sendJson, startFakeUpstream } from '../helpers/fake-upstream.js';
import { postJson, startGateway, type TestGateway } from '../helpers/gateway.js';
import { usageEventOf } from '../helpers/gateway-client.js';
import { MODEL, message } from './fixtures/anthropic.js';

describe('Anthropic', () => {
  let upstream: FakeUpstream;
  let gateway: TestGateway;
  const ask = (body: Record<string, unknown>) => postJson(gateway, '/chat/completions', { model: `anthropic/${MODEL}`, ...body });

  beforeAll(async () => {
    upstream = await startFakeUpstream((_request, res) => sendJson(res, 200, message([{ type: 'text', text: 'Hi! My name is Claude.' }])));
    gateway = await startGateway({ env: { ANTHROPIC_API_KEY: 'sk-ant-test', ANTHROPIC_BASE_URL: upstream.url } });
  });

  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  beforeEach(() => upstream.handle((_request, res) => sendJson(res, 200, message([{ type: 'text', text: 'Hi! My name is Claude.' }]))));

  it('translates a multi-turn chat with a system prompt to the Messages API, and the answer back, metering cache tokens', async () => {
    const response = await ask({
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'developer', content: [{ type: 'text', text: 'Answer in English.' }] },
        { role: 'user', content: 'Hello' },
        { role: 'assistant', content: 'Hello! How can I help?' },
        { role: 'user', content: [{ type: 'text', text: 'Your name?' }] },
      ],
      temperature: 0.5,
      top_p: 0.9,
      stop: 'END',
      user: 'customer-42',
    });
    expect(response.status).toBe(200);
    const sent = upstream.last();
    expect(sent.url).toBe('/v1/messages');
    expect(sent.headers['x-api-key']).toBe('sk-ant-test');
    expect(sent.headers['anthropic-version']).toBe('2023-06-01');
    expect(sent.headers.authorization).toBeUndefined();
    expect(sent.body).toEqual({
      model: MODEL,
      max_tokens: 4096,
      system: [
        { type: 'text', text: 'You are terse.' },
        { type: 'text', text: 'Answer in English.' },
      ],
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Hello' }] },
        { role: 'assistant', content: [{ type: 'text', text: 'Hello! How can I help?' }] },
        { role: 'user', content: [{ type: 'text', text: 'Your name?' }] },
      ],
      temperature: 0.5,
      top_p: 0.9,
      stop_sequences: ['END'],
      metadata: { user_id: 'customer-42' },
    });
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      id: 'msg_013Zva2CMHLNnXjNJJKqJ2EF',
      object: 'chat.completion',
      model: MODEL,
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hi! My name is Claude.' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 3195, completion_tokens: 503, total_tokens: 3698, prompt_tokens_details: { cached_tokens: 1000 } },
    });
    // 2,195 fresh (100 written to the cache) × $3 + 1,000 cache reads × $0.30 + 503 out × $15, per million tokens.
    expect(await usageEventOf(gateway, response)).toMatchObject({
      provider: 'anthropic',
      servedModel: MODEL,
      promptTokens: 3195,
      completionTokens: 503,
      cachedTokens: 1000,
      costMicros: 14_430,
    });
  });

  it('sends max_completion_tokens as max_tokens, and images as image blocks', async () => {
    await ask({
      max_completion_tokens: 300,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Compare these' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
            { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg', detail: 'high' } },
          ],
        },
      ],
    });
    expect(upstream.last().body).toMatchObject({
      max_tokens: 300,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Compare these' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
            { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
          ],
        },
      ],
    });
  });

  it('round-trips tools: definitions, tool_choice, tool calls as tool_use and results as tool_result', async () => {
    upstream.handle((_request, res) =>
      sendJson(
        res,
        200,
        message(
          [
            { type: 'text', text: 'Checking both.' },
            { type: 'tool_use', id: 'toolu_01A09q90qw90lq917835lq9', name: 'get_weather', input: { city: 'Rome' } },
          ],
          'tool_use',
        ),
      ),
    );
    const parameters = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };
    const response = await ask({
      tools: [{ type: 'function', function: { name: 'get_weather', description: 'Weather in a city', parameters } }],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      parallel_tool_calls: false,
      messages: [
        { role: 'user', content: 'Weather in Paris and Oslo?' },
        {
          role: 'assistant',
          content: 'Let me look.',
          tool_calls: [
            { id: 'toolu_p', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
            { id: 'toolu_o', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'toolu_p', content: '21°C' },
        { role: 'tool', tool_call_id: 'toolu_o', content: [{ type: 'text', text: '9°C' }] },
        { role: 'user', content: 'And Rome?' },
      ],
    });
    expect(upstream.last().body).toMatchObject({
      tools: [{ name: 'get_weather', description: 'Weather in a city', input_schema: parameters }],
      tool_choice: { type: 'tool', name: 'get_weather', disable_parallel_tool_use: true },
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Weather in Paris and Oslo?' }] },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Let me look.' },
            { type: 'tool_use', id: 'toolu_p', name: 'get_weather', input: { city: 'Paris' } },
            { type: 'tool_use', id: 'toolu_o', name: 'get_weather', input: { city: 'Oslo' } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_p', content: '21°C' },
            { type: 'tool_result', tool_use_id: 'toolu_o', content: '9°C' },
            { type: 'text', text: 'And Rome?' },
          ],
        },
      ],
    });
    const body = (await response.json()) as { choices: Array<Record<string, unknown>> };
    expect(body.choices[0]).toMatchObject({
      finish_reason: 'tool_calls',
      message: {
        content: 'Checking both.',
        tool_calls: [
          { id: 'toolu_01A09q90qw90lq917835lq9', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } },
        ],
      },
    });
  });

  it('maps tool_choice "required" to any and "none" to none', async () => {
    const tools = [{ type: 'function', function: { name: 'f' } }];
    await ask({ tools, tool_choice: 'required', messages: [{ role: 'user', content: 'x' }] });
    expect(upstream.last().body).toMatchObject({ tool_choice: { type: 'any' }, tools: [{ name: 'f', input_schema: { type: 'object' } }] });
    await ask({ tools, tool_choice: 'none', messages: [{ role: 'user', content: 'x' }] });
    expect(upstream.last().body.tool_choice).toEqual({ type: 'none' });
  });

  it('maps stop reasons to finish reasons', async () => {
    for (const [stopReason, finish] of [
      ['max_tokens', 'length'],
      ['stop_sequence', 'stop'],
      ['refusal', 'content_filter'],
    ]) {
      upstream.handle((_request, res) => sendJson(res, 200, message([{ type: 'text', text: 'x' }], stopReason)));
      const body = (await (await ask({ messages: [{ role: 'user', content: 'x' }] })).json()) as {
        choices: Array<{ finish_reason: string }>;
      };
      expect(body.choices[0]?.finish_reason).toBe(finish);
    }
  });

  it('passes an error answer on with its status, type and message', async () => {
    const error = {
      type: 'invalid_request_error',
      message: 'max_tokens: 100000 > 64000, which is the maximum allowed number of output tokens',
    };
    upstream.handle((_request, res) => sendJson(res, 400, { type: 'error', error }));
    const response = await ask({ max_tokens: 100_000, messages: [{ role: 'user', content: 'x' }] });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: unknown }).error).toMatchObject({ ...error, provider: 'anthropic' });
  });

  it('passes rate limits (429, with Retry-After) and overload (529) on', async () => {
    const limited = { type: 'rate_limit_error', message: 'Number of request tokens has exceeded your per-minute rate limit' };
    upstream.handle((_request, res) => sendJson(res, 429, { type: 'error', error: limited }, { 'retry-after': '30' }));
    const response = await ask({ messages: [{ role: 'user', content: 'x' }] });
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('30');
    expect(((await response.json()) as { error: unknown }).error).toMatchObject({ ...limited, provider: 'anthropic' });

    upstream.handle((_request, res) => sendJson(res, 529, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }));
    const overloaded = await ask({ messages: [{ role: 'user', content: 'x' }] });
    expect(overloaded.status).toBe(529);
    expect(((await overloaded.json()) as { error: unknown }).error).toMatchObject({ type: 'overloaded_error', message: 'Overloaded' });
  });

  it('refuses what Anthropic cannot express before calling it', async () => {
    const count = upstream.requests.length;
    const many = await ask({ n: 2, messages: [{ role: 'user', content: 'x' }] });
    expect(many.status).toBe(400);
    expect(((await many.json()) as { error: { param: string } }).error.param).toBe('n');
    const badArguments = await ask({
      messages: [
        { role: 'assistant', content: null, tool_calls: [{ id: 't', type: 'function', function: { name: 'f', arguments: '[1' } }] },
      ],
    });
    expect(badArguments.status).toBe(400);
    expect(upstream.requests.length).toBe(count);
  });
});
