// The Responses API through HTTP with openai-node: plain, streamed, tools round trip, json_schema, errors, metering,
// and a non-OpenAI provider (Anthropic) behind it.
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { call } from '../helpers/api.js';
import {
  chunk,
  completion,
  defaultHandler,
  type FakeHandler,
  type FakeUpstream,
  sendEvent,
  sendJson,
  startFakeOpenAi,
  startSse,
} from '../helpers/fake-openai.js';
import { type FakeUpstream as RawUpstream, startFakeUpstream } from '../helpers/fake-upstream.js';
import { flushUsage, postJson, startGateway, type TestGateway } from '../helpers/gateway.js';
import { usageEventOf } from '../helpers/gateway-client.js';
import { MODEL as CLAUDE, message, streamText } from '../providers/fixtures/anthropic.js';

const WEATHER_TOOL = {
  type: 'function' as const,
  name: 'get_weather',
  description: 'The weather in a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
  strict: true,
};

function toolCallCompletion() {
  return completion('', {
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'call_abc', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
        },
        finish_reason: 'tool_calls',
        logprobs: null,
      },
    ],
  });
}

const claudeGreets: FakeHandler = (_request, res) => sendJson(res, 200, message([{ type: 'text', text: 'Bonjour from Claude.' }]));

describe('Responses API', () => {
  let upstream: FakeUpstream;
  let anthropic: RawUpstream;
  let gateway: TestGateway;
  let client: OpenAI;

  beforeAll(async () => {
    upstream = await startFakeOpenAi();
    anthropic = await startFakeUpstream(claudeGreets);
    gateway = await startGateway({
      env: {
        OPENAI_API_KEY: 'sk-upstream-test',
        OPENAI_BASE_URL: upstream.baseUrl,
        ANTHROPIC_API_KEY: 'sk-ant-test',
        ANTHROPIC_BASE_URL: anthropic.url,
      },
    });
    client = new OpenAI({ apiKey: gateway.masterKey, baseURL: gateway.api, maxRetries: 0 });
  });

  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
    await anthropic?.close();
  });

  beforeEach(() => {
    anthropic.handle(claudeGreets);
    upstream.handle(defaultHandler);
    upstream.requests.length = 0;
  });

  it('answers a string input with the mock provider: output text, usage, and the x-shuttle headers', async () => {
    const { data, response } = await client.responses.create({ model: 'mock/echo', input: 'Hello, Shuttle!' }).withResponse();
    expect(data).toMatchObject({ object: 'response', status: 'completed', model: 'echo', store: true, previous_response_id: null });
    expect(data.id).toMatch(/^resp_/);
    expect(data.output_text).toBe('Hello, Shuttle!');
    expect(data.output).toHaveLength(1);
    expect(data.output[0]).toMatchObject({ type: 'message', role: 'assistant', status: 'completed' });
    expect(data.usage).toMatchObject({ input_tokens: 4, output_tokens: 4, total_tokens: 8, input_tokens_details: { cached_tokens: 0 } });
    expect(response.headers.get('x-shuttle-provider')).toBe('mock');
    expect(response.headers.get('x-shuttle-model')).toBe('echo');
    expect(response.headers.get('x-shuttle-attempts')).toBe('1');
    expect(response.headers.get('x-shuttle-cost-usd')).toMatch(/^\d+\.\d{6}$/);
    expect(response.headers.get('x-shuttle-request-id')).toBe(response.headers.get('x-request-id'));
  });

  it('translates instructions, items, images, tools, tool_choice, text.format, max_output_tokens and reasoning for the provider', async () => {
    const schema = { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'], additionalProperties: false };
    upstream.handle((_request, res) => sendJson(res, 200, completion('{"answer":"sunny"}')));
    const answer = await client.responses.create({
      model: 'openai/gpt-4o-mini',
      instructions: 'Be brief.',
      input: [
        { role: 'developer', content: 'Answer in JSON.' },
        {
          role: 'user',
          content: [
            { type: 'input_text', text: 'What is in this picture?' },
            { type: 'input_image', image_url: 'https://example.com/cat.png', detail: 'low' },
          ],
        },
      ],
      tools: [WEATHER_TOOL],
      tool_choice: { type: 'function', name: 'get_weather' },
      text: { format: { type: 'json_schema', name: 'weather', schema, strict: true } },
      max_output_tokens: 300,
      temperature: 0.3,
      reasoning: { effort: 'low' },
      user: 'end-user-7',
    });
    expect(answer.output_text).toBe('{"answer":"sunny"}');
    expect(JSON.parse(answer.output_text)).toEqual({ answer: 'sunny' });
    expect(answer).toMatchObject({
      instructions: 'Be brief.',
      max_output_tokens: 300,
      temperature: 0.3,
      text: { format: { type: 'json_schema' } },
    });
    expect(answer.usage).toMatchObject({
      input_tokens: 1000,
      output_tokens: 500,
      total_tokens: 1500,
      input_tokens_details: { cached_tokens: 200, cache_write_tokens: 0 },
    });
    const sent = upstream.last();
    expect(sent.url).toBe('/v1/chat/completions');
    expect(sent.body).toEqual({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'developer', content: 'Answer in JSON.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is in this picture?' },
            { type: 'image_url', image_url: { url: 'https://example.com/cat.png', detail: 'low' } },
          ],
        },
      ],
      tools: [
        {
          type: 'function',
          function: { name: 'get_weather', description: 'The weather in a city', parameters: WEATHER_TOOL.parameters, strict: true },
        },
      ],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      response_format: { type: 'json_schema', json_schema: { name: 'weather', schema, strict: true } },
      max_completion_tokens: 300,
      temperature: 0.3,
      reasoning_effort: 'low',
      user: 'end-user-7',
    });
  });

  it('streams the documented event sequence, with sequence numbers, item ids and usage on response.completed', async () => {
    const stream = await client.responses.create({ model: 'openai/gpt-4o-mini', input: 'Hi', stream: true });
    const events: Array<Record<string, unknown> & { type: string }> = [];
    for await (const event of stream) events.push(event as never);
    expect(events.map((event) => event.type)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(events.map((event) => event.sequence_number)).toEqual(events.map((_, index) => index));
    const added = events[2] as unknown as { item: { id: string; type: string }; output_index: number };
    expect(added).toMatchObject({ output_index: 0, item: { type: 'message', status: 'in_progress', role: 'assistant' } });
    expect(events[4]).toMatchObject({ item_id: added.item.id, output_index: 0, content_index: 0, delta: 'Hello' });
    expect(events[6]).toMatchObject({ item_id: added.item.id, text: 'Hello there' });
    const completed = events.at(-1) as unknown as { response: OpenAI.Responses.Response };
    expect(completed.response).toMatchObject({ status: 'completed', model: 'gpt-4o-mini-2024-07-18' });
    expect(completed.response.id).toBe((events[0] as unknown as { response: { id: string } }).response.id);
    expect(completed.response.output[0]).toMatchObject({
      id: added.item.id,
      type: 'message',
      status: 'completed',
      content: [{ type: 'output_text', text: 'Hello there', annotations: [] }],
    });
    expect(completed.response.usage).toMatchObject({ input_tokens: 12, output_tokens: 2, total_tokens: 14 });
  });

  it('streams through openai-node’s responses.stream helper to a final response', async () => {
    const stream = client.responses.stream({ model: 'mock/echo', input: 'one two three' });
    const deltas: string[] = [];
    stream.on('response.output_text.delta', (event) => deltas.push(event.delta));
    const final = await stream.finalResponse();
    expect(deltas.join('')).toBe('one two three');
    expect(final.output_text).toBe('one two three');
    expect(final.usage?.output_tokens).toBe(3);
  });

  it('round-trips a function tool: function_call, then function_call_output after it, with and without previous_response_id', async () => {
    upstream.handle((_request, res) => sendJson(res, 200, toolCallCompletion()));
    const first = await client.responses.create({ model: 'openai/gpt-4o-mini', input: 'Weather in Paris?', tools: [WEATHER_TOOL] });
    expect(first.output).toHaveLength(1);
    const call = first.output[0] as OpenAI.Responses.ResponseFunctionToolCall;
    expect(call).toMatchObject({
      type: 'function_call',
      call_id: 'call_abc',
      name: 'get_weather',
      arguments: '{"city":"Paris"}',
      status: 'completed',
    });
    expect(call.id).toMatch(/^fc_/);

    upstream.handle((_request, res) => sendJson(res, 200, completion('It is sunny in Paris.')));
    const output = { type: 'function_call_output' as const, call_id: call.call_id, output: '{"sky":"sunny"}' };
    const explicit = await client.responses.create({
      model: 'openai/gpt-4o-mini',
      input: [{ role: 'user', content: 'Weather in Paris?' }, call, output],
      tools: [WEATHER_TOOL],
    });
    expect(explicit.output_text).toBe('It is sunny in Paris.');
    const expectedMessages = [
      { role: 'user', content: 'Weather in Paris?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'call_abc', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
      },
      { role: 'tool', tool_call_id: 'call_abc', content: '{"sky":"sunny"}' },
    ];
    expect(upstream.last().body.messages).toEqual(expectedMessages);

    const chained = await client.responses.create({
      model: 'openai/gpt-4o-mini',
      previous_response_id: first.id,
      input: [output],
      tools: [WEATHER_TOOL],
    });
    expect(chained).toMatchObject({ previous_response_id: first.id, status: 'completed' });
    expect(upstream.last().body.messages).toEqual(expectedMessages);
  });

  it('streams a function call: the item opens with its name and call id, arguments arrive as deltas, then done events', async () => {
    upstream.handle((_request, res) => {
      startSse(res);
      sendEvent(
        res,
        chunk({
          role: 'assistant',
          content: null,
          tool_calls: [{ index: 0, id: 'call_s1', type: 'function', function: { name: 'get_weather', arguments: '' } }],
        }),
      );
      sendEvent(res, chunk({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }));
      sendEvent(res, chunk({ tool_calls: [{ index: 0, function: { arguments: '"Oslo"}' } }] }));
      sendEvent(res, chunk({}, 'tool_calls'));
      sendEvent(
        res,
        JSON.stringify({ ...JSON.parse(chunk({})), choices: [], usage: { prompt_tokens: 30, completion_tokens: 9, total_tokens: 39 } }),
      );
      res.end('data: [DONE]\n\n');
    });
    const stream = await client.responses.create({ model: 'openai/gpt-4o-mini', input: 'Oslo?', tools: [WEATHER_TOOL], stream: true });
    const events: Array<Record<string, unknown> & { type: string }> = [];
    for await (const event of stream) events.push(event as never);
    expect(events.map((event) => event.type)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(events[2]).toMatchObject({ item: { type: 'function_call', call_id: 'call_s1', name: 'get_weather', arguments: '' } });
    expect(events[5]).toMatchObject({ name: 'get_weather', arguments: '{"city":"Oslo"}' });
    expect(events[6]).toMatchObject({ item: { type: 'function_call', status: 'completed', arguments: '{"city":"Oslo"}' } });
    expect((events.at(-1) as unknown as { response: OpenAI.Responses.Response }).response.usage).toMatchObject({
      input_tokens: 30,
      output_tokens: 9,
    });
  });

  it('ends a response the provider cut short as incomplete, with the reason', async () => {
    upstream.handle((_request, res) =>
      sendJson(
        res,
        200,
        completion('Once upon', { choices: [{ index: 0, message: { role: 'assistant', content: 'Once upon' }, finish_reason: 'length' }] }),
      ),
    );
    const answer = await client.responses.create({ model: 'openai/gpt-4o-mini', input: 'A story', max_output_tokens: 2 });
    expect(answer).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } });
  });

  it('refuses bad input with 400 in the OpenAI error shape, before any provider call', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ input: 'hi' }, 'model'],
      [{ model: 'mock/echo' }, 'input'],
      [{ model: 'mock/echo', input: 42 }, 'input'],
      [{ model: 'mock/echo', input: [{ role: 'robot', content: 'hi' }] }, 'input.0.role'],
      [{ model: 'mock/echo', input: [{ role: 'user' }] }, 'input.0.content'],
      [{ model: 'mock/echo', input: [{ type: 'function_call', call_id: 'c', arguments: '{}' }] }, 'input.0.name'],
      [{ model: 'mock/echo', input: ['hi', { type: 'function_call_output', call_id: 'c', output: 1 }] }, 'input.0'],
      [{ model: 'mock/echo', input: [{ type: 'function_call_output', call_id: 'c', output: 1 }] }, 'input.0.output'],
      [{ model: 'mock/echo', input: [{ type: 'computer_call', id: 'x' }] }, 'input.0.type'],
      [{ model: 'mock/echo', input: 'hi', max_output_tokens: 0 }, 'max_output_tokens'],
      [{ model: 'mock/echo', input: 'hi', tools: [{ type: 'web_search' }] }, 'tools'],
      [{ model: 'mock/echo', input: 'hi', background: true }, 'background'],
      [{ model: 'mock/echo', input: [] }, 'input'],
    ];
    for (const [body, param] of cases) {
      const response = await postJson(gateway, '/responses', body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      const error = ((await response.json()) as { error: Record<string, unknown> }).error;
      expect(error, JSON.stringify(body)).toMatchObject({ type: 'invalid_request_error', code: 'invalid_request' });
      expect(String(error.param), JSON.stringify(body)).toContain(param);
      expect(typeof error.message).toBe('string');
    }
    expect(upstream.requests).toHaveLength(0);
    await expect(client.responses.create({ model: 'mock/echo', input: [], tools: [] })).rejects.toBeInstanceOf(OpenAI.BadRequestError);
  });

  it('answers 404 for an unknown previous_response_id and an unknown model, in the OpenAI shape', async () => {
    const unknown = await client.responses
      .create({ model: 'mock/echo', input: 'hi', previous_response_id: 'resp_000000000000000000000000' })
      .catch((e) => e);
    expect(unknown).toBeInstanceOf(OpenAI.NotFoundError);
    expect(unknown.error).toMatchObject({ type: 'not_found_error', code: 'not_found' });
    const model = await client.responses.create({ model: 'mock/nope', input: 'hi' }).catch((e) => e);
    expect(model).toBeInstanceOf(OpenAI.NotFoundError);
  });

  it('meters one usage event per request, marked with the responses endpoint, and the usage API counts it', async () => {
    const { response } = await client.responses
      .create({ model: 'openai/gpt-4o-mini', input: 'Count me' }, { headers: { 'x-shuttle-customer-id': 'resp-customer' } })
      .withResponse();
    const event = await usageEventOf(gateway, response);
    expect(event).toMatchObject({
      endpoint: 'responses',
      status: 200,
      requestedModel: 'openai/gpt-4o-mini',
      promptTokens: 1000,
      completionTokens: 500,
      cachedTokens: 200,
      streamed: false,
    });
    expect(event?.costMicros).toBeGreaterThan(0);

    const streamed = await client.responses
      .create({ model: 'openai/gpt-4o-mini', input: 'Stream me', stream: true }, { headers: { 'x-shuttle-customer-id': 'resp-customer' } })
      .withResponse();
    for await (const _ of streamed.data) {
      // drained
    }
    const streamEvent = await usageEventOf(gateway, streamed.response);
    expect(streamEvent).toMatchObject({ endpoint: 'responses', status: 200, promptTokens: 12, completionTokens: 2, streamed: true });
    expect(streamEvent?.ttftMs).not.toBeNull();

    await flushUsage(gateway);
    const report = await call(gateway, 'GET', '/usage?groupBy=customer', { auth: gateway.masterKey });
    const row = (report.body.data as Array<Record<string, unknown>>).find((r) => r.customer === 'resp-customer');
    expect(row).toMatchObject({ requests: 2, promptTokens: 1012, completionTokens: 502 });
  });

  it('enforces the customer’s cost limit as /chat/completions does: 402 in the OpenAI shape, nothing sent upstream', async () => {
    const created = await call(gateway, 'POST', '/customers', {
      auth: gateway.masterKey,
      body: { externalId: 'capped-responses', limits: { costUsd: { total: 0.001 } } },
    });
    expect(created.status).toBe(201);
    const ask = () =>
      client.responses
        .create(
          { model: 'openai/gpt-4o-mini', input: 'Spend', max_output_tokens: 100 },
          { headers: { 'x-shuttle-customer-id': 'capped-responses' } },
        )
        .then(
          () => undefined,
          (error: unknown) => error,
        );
    let refusal: unknown;
    for (let i = 0; i < 10 && refusal === undefined; i++) refusal = await ask();
    expect(refusal).toBeInstanceOf(OpenAI.APIError);
    expect(refusal).toMatchObject({ status: 402, code: 'cost_limit_exceeded', type: 'insufficient_quota' });
    const sent = upstream.requests.length;
    expect(await ask()).toMatchObject({ status: 402 });
    expect(upstream.requests.length).toBe(sent);
  });

  it('serves a Claude model through /responses: translated to the Messages API and back, plain and streamed', async () => {
    const answer = await client.responses.create({
      model: `anthropic/${CLAUDE}`,
      instructions: 'Be French.',
      input: 'Hello',
      max_output_tokens: 100,
    });
    expect(answer.output_text).toBe('Bonjour from Claude.');
    expect(answer.usage).toMatchObject({ output_tokens: 503 });
    expect(anthropic.last().url).toBe('/v1/messages');
    expect(anthropic.last().body).toMatchObject({
      model: CLAUDE,
      max_tokens: 100,
      system: [{ type: 'text', text: 'Be French.' }],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Hello' }] }],
    });

    anthropic.handle((_request, res) => streamText(res));
    const stream = await client.responses.create({ model: `anthropic/${CLAUDE}`, input: 'Hello', stream: true });
    const types: string[] = [];
    let text = '';
    let usage: OpenAI.Responses.ResponseUsage | undefined;
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'response.output_text.delta') text += event.delta;
      if (event.type === 'response.completed') usage = event.response.usage;
    }
    expect(text).toBe('Hello!');
    expect(types.at(-1)).toBe('response.completed');
    expect(usage?.output_tokens).toBe(15);
  });

  it('round-trips a function tool with a Claude model: tool_use becomes a function_call, its output a tool_result', async () => {
    anthropic.handle((_request, res) =>
      sendJson(res, 200, message([{ type: 'tool_use', id: 'toolu_01', name: 'get_weather', input: { city: 'Rome' } }], 'tool_use')),
    );
    const first = await client.responses.create({ model: `anthropic/${CLAUDE}`, input: 'Weather in Rome?', tools: [WEATHER_TOOL] });
    expect(first.output).toEqual([
      expect.objectContaining({ type: 'function_call', call_id: 'toolu_01', name: 'get_weather', arguments: '{"city":"Rome"}' }),
    ]);
    expect(anthropic.last().body.tools).toEqual([
      { name: 'get_weather', description: 'The weather in a city', input_schema: WEATHER_TOOL.parameters },
    ]);

    anthropic.handle((_request, res) => sendJson(res, 200, message([{ type: 'text', text: 'Sunny in Rome.' }])));
    const next = await client.responses.create({
      model: `anthropic/${CLAUDE}`,
      previous_response_id: first.id,
      input: [{ type: 'function_call_output', call_id: 'toolu_01', output: '{"sky":"sunny"}' }],
      tools: [WEATHER_TOOL],
    });
    expect(next.output_text).toBe('Sunny in Rome.');
    expect(anthropic.last().body.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Weather in Rome?' }] },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_01', name: 'get_weather', input: { city: 'Rome' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_01', content: '{"sky":"sunny"}' }] },
    ]);
  });

  it('sends a provider failure mid-stream as response.failed, the stream’s last event', async () => {
    upstream.handle(async (_request, res) => {
      startSse(res);
      sendEvent(res, chunk({ role: 'assistant', content: 'Hel' }));
      await new Promise((resolve) => setTimeout(resolve, 50));
      res.destroy();
    });
    const response = await postJson(gateway, '/responses', { model: 'openai/gpt-4o-mini', input: 'Hi', stream: true });
    expect(response.status).toBe(200);
    const events = (await response.text()).split('\n\n').filter(Boolean);
    const last = events.at(-1) as string;
    expect(last).toMatch(/^event: response\.failed\n/);
    const failed = JSON.parse(last.split('\ndata: ')[1] as string);
    expect(failed.response).toMatchObject({
      status: 'failed',
      error: { code: 'server_error', message: expect.stringMatching(/\(upstream_[a-z_]+\)$/) },
    });
    expect(failed.response.output[0]).toMatchObject({
      type: 'message',
      status: 'incomplete',
      content: [{ type: 'output_text', text: 'Hel' }],
    });
  });

  it('meters a stream the client abandons as 499 client_closed, billed for what it used, and stores nothing', async () => {
    let closed!: () => void;
    const upstreamClosed = new Promise<void>((resolve) => {
      closed = resolve;
    });
    upstream.handle(async (_request, res) => {
      startSse(res);
      sendEvent(res, chunk({ role: 'assistant', content: 'partial answer' }));
      await new Promise((resolve) => res.once('close', resolve));
      closed();
    });
    const response = await postJson(gateway, '/responses', { model: 'openai/gpt-4o-mini', input: 'Long story', stream: true });
    expect(response.headers.get('x-shuttle-provider')).toBe('openai');
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let received = '';
    while (!received.includes('response.output_text.delta')) received += decoder.decode((await reader.read()).value, { stream: true });
    const id = JSON.parse((/data: (.*)/.exec(received) as RegExpExecArray)[1] as string).response.id as string;
    await reader.cancel();
    // The provider's call is abandoned with the client.
    await upstreamClosed;
    // The usage event is queued when the server side of the response closes, which trails the client's cancel.
    const deadline = Date.now() + 5_000;
    let event: Awaited<ReturnType<typeof usageEventOf>>;
    do event = await usageEventOf(gateway, response);
    while (event === undefined && Date.now() < deadline);
    expect(event).toMatchObject({ endpoint: 'responses', status: 499, errorCode: 'client_closed', streamed: true });
    expect(event?.promptTokens).toBeGreaterThan(0);
    expect(event?.completionTokens).toBeGreaterThan(0);
    expect((await call(gateway, 'GET', `/responses/${id}`, { auth: gateway.masterKey })).status).toBe(404);
  });
});
