import { createOpenAI } from '@ai-sdk/openai';
import { generateObject } from 'ai';
import OpenAI from 'openai';
import { zodResponseFormat } from 'openai/helpers/zod';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeUpstream, sendJson, startFakeUpstream } from '../helpers/fake-upstream.js';
import { postJson, startGateway, type TestGateway } from '../helpers/gateway.js';
import { postStream } from '../helpers/gateway-client.js';
import { MODEL as CLAUDE, message } from './fixtures/anthropic.js';
import { HAIKU } from './fixtures/bedrock.js';
import { forcedTool, forecast, forecastJson, structuredAnswer, Weather } from './fixtures/structured-answers.js';
import { translatingProvidersAt } from './fixtures/translating-providers.js';

describe('structured output (response_format) on every chat provider', () => {
  let upstream: FakeUpstream;
  let gateway: TestGateway;
  let client: OpenAI;

  beforeAll(async () => {
    upstream = await startFakeUpstream(structuredAnswer);
    gateway = await startGateway({
      env: {
        ...translatingProvidersAt(upstream.url),
      },
    });
    client = new OpenAI({ baseURL: gateway.api, apiKey: gateway.masterKey, maxRetries: 0 });
  });

  beforeEach(() => upstream.handle(structuredAnswer));

  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  const params = (model: string) => ({
    model,
    messages: [{ role: 'user' as const, content: 'Weather in Paris?' }],
    response_format: zodResponseFormat(Weather, 'weather'),
  });

  it('parse() succeeds on Anthropic: the schema is a forced tool, whose input is the content', async () => {
    const completion = await client.chat.completions.parse(params(`anthropic/${CLAUDE}`));
    const sent = upstream.last().body;
    expect(sent.tools).toEqual([
      {
        name: 'weather',
        description: 'Respond with a JSON object.',
        input_schema: zodResponseFormat(Weather, 'weather').json_schema.schema,
      },
    ]);
    expect(sent.tool_choice).toEqual({ type: 'tool', name: 'weather' });
    expect(sent).not.toHaveProperty('response_format');
    const choice = completion.choices[0];
    expect(choice?.message.parsed).toEqual(forecast);
    expect(choice?.message.content).toBe(forecastJson);
    expect(choice?.message.tool_calls ?? []).toEqual([]);
    expect(choice?.finish_reason).toBe('stop');
  });

  it('parse() succeeds on Bedrock: a forced toolSpec, whose toolUse input is the content', async () => {
    const completion = await client.chat.completions.parse(params(`bedrock/${HAIKU}`));
    const sent = upstream.last().body as { toolConfig: unknown };
    expect(sent.toolConfig).toEqual({
      tools: [
        {
          toolSpec: {
            name: 'weather',
            description: 'Respond with a JSON object.',
            inputSchema: { json: zodResponseFormat(Weather, 'weather').json_schema.schema },
          },
        },
      ],
      toolChoice: { tool: { name: 'weather' } },
    });
    expect(completion.choices[0]?.message.parsed).toEqual(forecast);
    expect(completion.choices[0]?.finish_reason).toBe('stop');
  });

  it('parse() succeeds on Gemini: responseSchema in the OpenAPI subset, with nullable for the null variant', async () => {
    const completion = await client.chat.completions.parse(params('google/gemini-2.5-flash'));
    const config = upstream.last().body.generationConfig as Record<string, unknown>;
    expect(config.responseMimeType).toBe('application/json');
    expect(config.responseSchema).toEqual({
      type: 'object',
      properties: {
        city: { type: 'string' },
        celsius: { type: 'integer', minimum: -9007199254740991, maximum: 9007199254740991 },
        sky: { type: 'string', enum: ['clear', 'cloudy'] },
        note: { type: 'string', nullable: true },
      },
      required: ['city', 'celsius', 'sky', 'note'],
    });
    expect(completion.choices[0]?.message.parsed).toEqual(forecast);
  });

  for (const model of [`anthropic/${CLAUDE}`, `bedrock/${HAIKU}`, 'google/gemini-2.5-flash']) {
    it(`streams a parsed answer from ${model.split('/')[0]}, the answer's fragments as content deltas`, async () => {
      const stream = client.chat.completions.stream({ ...params(model), stream_options: { include_usage: true } });
      const completion = await stream.finalChatCompletion();
      expect(completion.choices[0]?.message.parsed).toEqual(forecast);
      expect(completion.choices[0]?.message.tool_calls ?? []).toEqual([]);
      expect(completion.choices[0]?.finish_reason).toBe('stop');
    });
  }

  for (const model of [`anthropic/${CLAUDE}`, `bedrock/${HAIKU}`, 'google/gemini-2.5-flash']) {
    it(`the AI SDK's generateObject through the OpenAI provider works on ${model.split('/')[0]}`, async () => {
      const openai = createOpenAI({ baseURL: gateway.api, apiKey: gateway.masterKey });
      const { object } = await generateObject({ model: openai.chat(model), schema: Weather, prompt: 'Weather in Paris?', maxRetries: 0 });
      expect(object).toEqual(forecast);
      const sent = upstream.last();
      if (model.startsWith('google/')) {
        expect(sent.body.generationConfig).toMatchObject({
          responseMimeType: 'application/json',
          responseSchema: { properties: { note: { type: 'string', nullable: true } } },
        });
      } else expect(forcedTool(sent)).toBe('response');
    });
  }

  it('json_object mode on Anthropic forces a tool taking any object', async () => {
    const response = await postJson(gateway, '/chat/completions', {
      model: `anthropic/${CLAUDE}`,
      messages: [{ role: 'user', content: 'Weather in Paris, as JSON?' }],
      response_format: { type: 'json_object' },
    });
    expect(response.status).toBe(200);
    expect(upstream.last().body.tools).toEqual([
      { name: 'json_response', description: 'Respond with a JSON object.', input_schema: { type: 'object' } },
    ]);
    const body = (await response.json()) as { choices: Array<{ message: { content: string } }> };
    expect(JSON.parse(body.choices[0]?.message.content ?? '')).toEqual(forecast);
  });

  it("with the client's own tools, the model may call one of them or answer in the schema", async () => {
    const tools = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: {} } } }];
    upstream.handle((_request, res) =>
      sendJson(res, 200, message([{ type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: {} }], 'tool_use')),
    );
    const response = await postJson(gateway, '/chat/completions', {
      ...params(`anthropic/${CLAUDE}`),
      tools,
    });
    const sent = upstream.last().body;
    expect((sent.tools as Array<{ name: string }>).map((tool) => tool.name)).toEqual(['get_weather', 'weather']);
    expect(sent.tool_choice).toEqual({ type: 'any' });
    const body = (await response.json()) as { choices: Array<{ message: Record<string, unknown>; finish_reason: string }> };
    expect(body.choices[0]?.finish_reason).toBe('tool_calls');
    expect(body.choices[0]?.message.tool_calls).toEqual([
      { id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{}' } },
    ]);
  });

  it('refuses with a 400 a schema whose root is not an object, and one named like a tool of the request', async () => {
    const array = await postJson(gateway, '/chat/completions', {
      model: `anthropic/${CLAUDE}`,
      messages: [{ role: 'user', content: 'List cities' }],
      response_format: { type: 'json_schema', json_schema: { name: 'cities', schema: { type: 'array', items: { type: 'string' } } } },
    });
    expect(array.status).toBe(400);
    expect(await array.json()).toMatchObject({ error: { code: 'invalid_request', param: 'response_format' } });
    const clash = await postJson(gateway, '/chat/completions', {
      ...params(`bedrock/${HAIKU}`),
      tools: [{ type: 'function', function: { name: 'weather', parameters: { type: 'object' } } }],
    });
    expect(clash.status).toBe(400);
    expect(await clash.json()).toMatchObject({ error: { param: 'response_format' } });
  });

  it('streams the answer as content chunks in the OpenAI shape (no tool_calls deltas)', async () => {
    const stream = await postStream(gateway, { ...params(`anthropic/${CLAUDE}`) });
    expect(stream.text).toBe(forecastJson);
    const deltas = stream.chunks.flatMap((chunk) => (chunk.choices as Array<{ delta: Record<string, unknown> }>).map((c) => c.delta));
    expect(deltas.some((delta) => 'tool_calls' in delta)).toBe(false);
  });
});
