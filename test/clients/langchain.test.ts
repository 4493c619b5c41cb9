// LangChain's ChatOpenAI against Shuttle, with fake Anthropic, Bedrock, Gemini and OpenAI upstreams speaking their
// documented wire formats: withStructuredOutput (its default method, json_schema, and function calling), invoke,
// streaming, a bindTools round trip on Anthropic, and the same through the Responses API (useResponsesApi).
import type { ServerResponse } from 'node:http';
import { type AIMessage, type AIMessageChunk, HumanMessage, ToolMessage } from '@langchain/core/messages';
import { tool } from '@langchain/core/tools';
import { ChatOpenAI } from '@langchain/openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { completion } from '../helpers/fake-openai.js';
import { type FakeUpstream, type RecordedRequest, sendEvent, sendJson, startFakeUpstream, startSse } from '../helpers/fake-upstream.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { MODEL as CLAUDE, message, streamText } from '../providers/fixtures/anthropic.js';
import { HAIKU } from '../providers/fixtures/bedrock.js';
import { forcedTool, forecast, isStream, providerOf, structuredAnswer, Weather } from '../providers/fixtures/structured-answers.js';
import { translatingProvidersAt } from '../providers/fixtures/translating-providers.js';

const TOOL_USE_ID = 'toolu_01A09q90qw90lq917835lq9';

const MODELS = {
  anthropic: `anthropic/${CLAUDE}`,
  bedrock: `bedrock/${HAIKU}`,
  google: 'google/gemini-2.5-flash',
  openai: 'openai/gpt-4o-mini',
} as const;

type Provider = keyof typeof MODELS;

/** On Anthropic: calls get_weather until the conversation holds its result, then answers with that result. */
function anthropicToolLoop(request: RecordedRequest, res: ServerResponse): void {
  const messages = request.body.messages as Array<{ role: string; content: unknown }>;
  const blocks = messages.flatMap((m) => (Array.isArray(m.content) ? (m.content as Array<Record<string, unknown>>) : []));
  const result = blocks.find((block) => block.type === 'tool_result');
  if (result === undefined) {
    const call = { type: 'tool_use', id: TOOL_USE_ID, name: 'get_weather', input: { city: 'Paris' } };
    sendJson(res, 200, message([{ type: 'text', text: 'Let me look.' }, call], 'tool_use'));
    return;
  }
  const content = Array.isArray(result.content) ? (result.content as Array<{ text: string }>).map((b) => b.text).join('') : result.content;
  sendJson(res, 200, message([{ type: 'text', text: `Paris: ${String(content)}` }]));
}

describe('LangChain ChatOpenAI through Shuttle', () => {
  let upstream: FakeUpstream;
  let gateway: TestGateway;

  const chat = (model: string, options: { useResponsesApi?: boolean } = {}) =>
    new ChatOpenAI({ model, apiKey: gateway.masterKey, configuration: { baseURL: gateway.api }, maxRetries: 0, ...options });

  beforeAll(async () => {
    upstream = await startFakeUpstream(structuredAnswer);
    gateway = await startGateway({
      env: {
        ...translatingProvidersAt(upstream.url),
        OPENAI_API_KEY: 'sk-upstream-test',
        OPENAI_BASE_URL: `${upstream.url}/v1`,
      },
    });
  });

  beforeEach(() => upstream.handle(structuredAnswer));

  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  for (const provider of Object.keys(MODELS) as Provider[]) {
    it(`withStructuredOutput(zod) with LangChain's default method (json_schema) succeeds on ${provider}`, async () => {
      const structured = chat(MODELS[provider]).withStructuredOutput(Weather, { name: 'weather' });
      expect(await structured.invoke('Weather in Paris?')).toEqual(forecast);
      const sent = upstream.last();
      expect(providerOf(sent)).toBe(provider);
      if (provider === 'anthropic' || provider === 'bedrock') expect(forcedTool(sent)).toBe('weather');
      if (provider === 'google') {
        expect(sent.body.generationConfig).toMatchObject({ responseMimeType: 'application/json', responseSchema: { type: 'object' } });
      }
      if (provider === 'openai') {
        expect(sent.body.response_format).toMatchObject({
          type: 'json_schema',
          json_schema: { name: 'weather', schema: { type: 'object' } },
        });
      }
    });
  }

  it('withStructuredOutput with method functionCalling on Anthropic: the forced function becomes a forced tool', async () => {
    const structured = chat(MODELS.anthropic).withStructuredOutput(Weather, { name: 'weather', method: 'functionCalling' });
    expect(await structured.invoke('Weather in Paris?')).toEqual(forecast);
    const sent = upstream.last().body;
    expect(sent.tool_choice).toEqual({ type: 'tool', name: 'weather' });
    expect((sent.tools as Array<{ name: string }>).map((t) => t.name)).toEqual(['weather']);
  });

  for (const provider of ['anthropic', 'bedrock', 'google'] as const) {
    it(`streams a structured answer from ${provider}`, async () => {
      const structured = chat(MODELS[provider]).withStructuredOutput(Weather, { name: 'weather' });
      let last: unknown;
      for await (const partial of await structured.stream('Weather in Paris?')) last = partial;
      expect(last).toEqual(forecast);
      expect(isStream(upstream.last())).toBe(true);
    });
  }

  it('invoke on Anthropic returns the text and usage', async () => {
    upstream.handle((_request, res) => sendJson(res, 200, message([{ type: 'text', text: 'Hello!' }])));
    const reply = await chat(MODELS.anthropic).invoke([new HumanMessage('Hi')]);
    expect(reply.content).toBe('Hello!');
    expect(reply.usage_metadata?.output_tokens).toBe(503);
    expect(upstream.last().body.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }]);
  });

  it('streams text from Anthropic, with usage on the last chunk', async () => {
    upstream.handle((_request, res) => streamText(res));
    let text = '';
    let outputTokens: number | undefined;
    for await (const piece of await chat(MODELS.anthropic).stream('Hi')) {
      text += String(piece.content);
      outputTokens = piece.usage_metadata?.output_tokens ?? outputTokens;
    }
    expect(text).toBe('Hello!');
    expect(outputTokens).toBe(15);
    expect(upstream.last().body.stream).toBe(true);
  });

  it('bindTools on Anthropic: a tool call, its result sent back as a ToolMessage, then the answer', async () => {
    upstream.handle(anthropicToolLoop);
    const getWeather = tool(async ({ city }: { city: string }) => `sunny in ${city}`, {
      name: 'get_weather',
      description: 'The weather in a city',
      schema: z.object({ city: z.string() }),
    });
    const model = chat(MODELS.anthropic).bindTools([getWeather]);
    const question = new HumanMessage('Weather in Paris?');
    const call = await model.invoke([question]);
    expect(call.tool_calls).toEqual([{ id: TOOL_USE_ID, name: 'get_weather', args: { city: 'Paris' }, type: 'tool_call' }]);
    const first = upstream.last().body;
    expect(first.tools).toEqual([
      {
        name: 'get_weather',
        description: 'The weather in a city',
        input_schema: expect.objectContaining({ type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }),
      },
    ]);

    const result = (await getWeather.invoke(call.tool_calls?.[0] ?? { name: '', args: {} })) as ToolMessage;
    expect(result).toBeInstanceOf(ToolMessage);
    const final = await model.invoke([question, call as AIMessage, result]);
    expect(final.content).toBe('Paris: sunny in Paris');
    const sent = upstream.last().body.messages as Array<{ role: string; content: Array<Record<string, unknown>> }>;
    expect(sent[1]?.content).toContainEqual({ type: 'tool_use', id: TOOL_USE_ID, name: 'get_weather', input: { city: 'Paris' } });
    expect(sent[2]).toMatchObject({ role: 'user', content: [{ type: 'tool_result', tool_use_id: TOOL_USE_ID }] });
  });

  it('bindTools on Anthropic, streamed: the tool call assembles from its chunks', async () => {
    upstream.handle((_request, res) => {
      startSse(res);
      sendEvent(res, { type: 'message_start', message: { ...message([], '', { output_tokens: 1 }), stop_reason: null } }, 'message_start');
      const block = { type: 'tool_use', id: TOOL_USE_ID, name: 'get_weather', input: {} };
      sendEvent(res, { type: 'content_block_start', index: 0, content_block: block }, 'content_block_start');
      for (const partial_json of ['{"city"', ': "Paris"}']) {
        sendEvent(res, { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json } }, 'content_block_delta');
      }
      sendEvent(res, { type: 'content_block_stop', index: 0 }, 'content_block_stop');
      sendEvent(
        res,
        { type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 9 } },
        'message_delta',
      );
      sendEvent(res, { type: 'message_stop' }, 'message_stop');
      res.end();
    });
    const getWeather = tool(async ({ city }: { city: string }) => `sunny in ${city}`, {
      name: 'get_weather',
      description: 'The weather in a city',
      schema: z.object({ city: z.string() }),
    });
    let whole: AIMessageChunk | undefined;
    for await (const piece of await chat(MODELS.anthropic).bindTools([getWeather]).stream('Weather in Paris?')) {
      whole = whole === undefined ? piece : whole.concat(piece);
    }
    expect(whole?.tool_calls).toEqual([{ id: TOOL_USE_ID, name: 'get_weather', args: { city: 'Paris' }, type: 'tool_call' }]);
    expect(upstream.last().body.stream).toBe(true);
  });

  it('a codex model goes through /responses without being asked, as LangChain prefers for it', async () => {
    upstream.handle((_request, res) => sendJson(res, 200, completion('Done.')));
    const reply = await chat('openai/gpt-5-codex').invoke('Refactor this');
    expect(reply.text).toBe('Done.');
    expect(reply.response_metadata.id).toMatch(/^resp_/);
    expect(upstream.last().url).toBe('/v1/chat/completions');
  });

  describe('with useResponsesApi (ChatOpenAI then calls /responses)', () => {
    it('invoke on Anthropic', async () => {
      upstream.handle((_request, res) => sendJson(res, 200, message([{ type: 'text', text: 'Hello!' }])));
      const reply = await chat(MODELS.anthropic, { useResponsesApi: true }).invoke('Hi');
      expect(reply.text).toBe('Hello!');
      expect(reply.response_metadata.id).toMatch(/^resp_/);
      expect(reply.usage_metadata?.output_tokens).toBe(503);
    });

    it('streams text from Anthropic', async () => {
      upstream.handle((_request, res) => streamText(res));
      let text = '';
      for await (const piece of await chat(MODELS.anthropic, { useResponsesApi: true }).stream('Hi')) text += piece.text;
      expect(text).toBe('Hello!');
      expect(upstream.last().body.stream).toBe(true);
    });

    for (const provider of ['anthropic', 'bedrock', 'google', 'openai'] as const) {
      it(`withStructuredOutput (text.format json_schema) succeeds on ${provider}`, async () => {
        const structured = chat(MODELS[provider], { useResponsesApi: true }).withStructuredOutput(Weather, { name: 'weather' });
        expect(await structured.invoke('Weather in Paris?')).toEqual(forecast);
        expect(providerOf(upstream.last())).toBe(provider);
        if (provider === 'anthropic' || provider === 'bedrock') expect(forcedTool(upstream.last())).toBe('weather');
      });
    }

    it('bindTools on Anthropic: function_call, then function_call_output, then the answer', async () => {
      upstream.handle(anthropicToolLoop);
      const getWeather = tool(async ({ city }: { city: string }) => `sunny in ${city}`, {
        name: 'get_weather',
        description: 'The weather in a city',
        schema: z.object({ city: z.string() }),
      });
      const model = chat(MODELS.anthropic, { useResponsesApi: true }).bindTools([getWeather]);
      const question = new HumanMessage('Weather in Paris?');
      const call = await model.invoke([question]);
      expect(call.tool_calls).toMatchObject([{ id: TOOL_USE_ID, name: 'get_weather', args: { city: 'Paris' } }]);
      const result = (await getWeather.invoke(call.tool_calls?.[0] ?? { name: '', args: {} })) as ToolMessage;
      const final = await model.invoke([question, call, result]);
      expect(final.text).toBe('Paris: sunny in Paris');
    });
  });
});
