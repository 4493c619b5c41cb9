// The AI SDK's OpenAI provider, whose default model talks the Responses API, against Shuttle: generateText,
// streamText, a tool loop (function_call, then function_call_output) and structured output.
import { createOpenAI } from '@ai-sdk/openai';
import { generateText, jsonSchema, Output, stepCountIs, streamText, tool } from 'ai';
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
import { flushUsage, startGateway, type TestGateway } from '../helpers/gateway.js';

const TOOL_CALL = { id: 'call_w1', type: 'function', function: { name: 'weather', arguments: '{"city":"Lisbon"}' } };

/** Asks for the weather tool first; once the tool's result is in the conversation, answers with it. */
function toolLoop(stream: boolean) {
  return (request: { body: Record<string, unknown> }, res: import('node:http').ServerResponse) => {
    const messages = request.body.messages as Array<{ role: string; content?: unknown }>;
    const result = messages.find((message) => message.role === 'tool');
    if (!stream) {
      if (result === undefined) {
        sendJson(
          res,
          200,
          completion('', {
            choices: [{ index: 0, message: { role: 'assistant', content: null, tool_calls: [TOOL_CALL] }, finish_reason: 'tool_calls' }],
          }),
        );
      } else sendJson(res, 200, completion(`Lisbon: ${String(result.content)}`));
      return;
    }
    startSse(res);
    if (result === undefined) {
      sendEvent(res, chunk({ role: 'assistant', tool_calls: [{ index: 0, ...TOOL_CALL, function: { name: 'weather', arguments: '' } }] }));
      sendEvent(res, chunk({ tool_calls: [{ index: 0, function: { arguments: TOOL_CALL.function.arguments } }] }));
      sendEvent(res, chunk({}, 'tool_calls'));
    } else {
      sendEvent(res, chunk({ role: 'assistant', content: 'Lisbon: ' }));
      sendEvent(res, chunk({ content: String(result.content) }));
      sendEvent(res, chunk({}, 'stop'));
    }
    sendEvent(
      res,
      JSON.stringify({ ...JSON.parse(chunk({})), choices: [], usage: { prompt_tokens: 20, completion_tokens: 5, total_tokens: 25 } }),
    );
    res.end('data: [DONE]\n\n');
  };
}

describe('the AI SDK through /responses', () => {
  let upstream: FakeUpstream;
  let gateway: TestGateway;
  let provider: ReturnType<typeof createOpenAI>;
  const weather = tool({
    description: 'The weather in a city',
    inputSchema: jsonSchema<{ city: string }>({
      type: 'object',
      properties: { city: { type: 'string' } },
      required: ['city'],
      additionalProperties: false,
    }),
    execute: async ({ city }) => ({ city, sky: 'sunny' }),
  });

  beforeAll(async () => {
    upstream = await startFakeOpenAi();
    gateway = await startGateway({ env: { OPENAI_API_KEY: 'sk-upstream-test', OPENAI_BASE_URL: upstream.baseUrl } });
    provider = createOpenAI({ baseURL: gateway.api, apiKey: gateway.masterKey });
  });

  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  beforeEach(() => {
    upstream.handle(defaultHandler);
    upstream.requests.length = 0;
  });

  it('generateText with the mock provider: text, usage and the response id', async () => {
    const result = await generateText({ model: provider('mock/echo'), prompt: 'Hello from the AI SDK', maxRetries: 0 });
    expect(result.text).toBe('Hello from the AI SDK');
    expect(result.finishReason).toBe('stop');
    expect(result.usage).toMatchObject({ outputTokens: 5 });
    expect(result.usage.totalTokens).toBe((result.usage.inputTokens ?? 0) + 5);
    expect(result.response.id).toMatch(/^resp_/);
  });

  it('streamText: the deltas in order and the usage of response.completed', async () => {
    const result = streamText({ model: provider('openai/gpt-4o-mini'), system: 'Be brief.', prompt: 'Hi', maxRetries: 0 });
    const pieces: string[] = [];
    for await (const piece of result.textStream) pieces.push(piece);
    expect(pieces.join('')).toBe('Hello there');
    expect(await result.usage).toMatchObject({ inputTokens: 12, outputTokens: 2 });
    expect(await result.finishReason).toBe('stop');
    expect(upstream.last().body.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi' },
    ]);
  });

  it('runs a tool loop with generateText: the tool call, its result sent back as function_call_output, the answer', async () => {
    upstream.handle(toolLoop(false));
    const result = await generateText({
      model: provider('openai/gpt-4o-mini'),
      prompt: 'Weather in Lisbon?',
      tools: { weather },
      stopWhen: stepCountIs(3),
      maxRetries: 0,
    });
    expect(result.steps).toHaveLength(2);
    expect(result.steps[0]?.toolCalls[0]).toMatchObject({ toolName: 'weather', toolCallId: 'call_w1', input: { city: 'Lisbon' } });
    expect(result.text).toBe('Lisbon: {"city":"Lisbon","sky":"sunny"}');
    const second = upstream.last().body;
    expect(second.messages).toEqual([
      { role: 'user', content: 'Weather in Lisbon?' },
      { role: 'assistant', content: null, tool_calls: [TOOL_CALL] },
      { role: 'tool', tool_call_id: 'call_w1', content: '{"city":"Lisbon","sky":"sunny"}' },
    ]);
    expect(second.tools).toEqual([
      {
        type: 'function',
        function: expect.objectContaining({
          name: 'weather',
          description: 'The weather in a city',
          parameters: expect.objectContaining({ type: 'object' }),
        }),
      },
    ]);
  });

  it('runs a tool loop with streamText, and meters each step as one responses request', async () => {
    upstream.handle(toolLoop(true));
    const result = streamText({
      model: provider('openai/gpt-4o-mini'),
      prompt: 'Weather in Lisbon?',
      tools: { weather },
      stopWhen: stepCountIs(3),
      maxRetries: 0,
    });
    let text = '';
    for await (const piece of result.textStream) text += piece;
    expect(text).toBe('Lisbon: {"city":"Lisbon","sky":"sunny"}');
    const steps = await result.steps;
    expect(steps).toHaveLength(2);
    expect(steps[0]?.toolCalls[0]).toMatchObject({ toolName: 'weather', input: { city: 'Lisbon' } });
    const response = await result.response;
    expect(response.id).toMatch(/^resp_/);
    await flushUsage(gateway);
    const events = await gateway.shuttle.runtime.repos.usageEvents.listRecent(gateway.tenantId, 2);
    expect(events).toHaveLength(2);
    for (const event of events) {
      expect(event).toMatchObject({ endpoint: 'responses', streamed: true, status: 200, promptTokens: 20, completionTokens: 5 });
    }
  });

  it('continues a conversation from response.messages: the earlier answer goes back as an item_reference to the stored item', async () => {
    const first = await generateText({ model: provider('openai/gpt-4o-mini'), prompt: 'Say hello', maxRetries: 0 });
    const request = await generateText({
      model: provider('openai/gpt-4o-mini'),
      messages: [{ role: 'user', content: 'Say hello' }, ...first.response.messages, { role: 'user', content: 'Again' }],
      maxRetries: 0,
    });
    expect(JSON.stringify(request.request.body)).toContain('item_reference');
    expect(upstream.last().body.messages).toEqual([
      { role: 'user', content: 'Say hello' },
      { role: 'assistant', content: 'Hello there' },
      { role: 'user', content: 'Again' },
    ]);
  });

  it('generates structured output through text.format json_schema', async () => {
    upstream.handle((_request, res) => sendJson(res, 200, completion('{"city":"Porto","population":231962}')));
    const result = await generateText({
      model: provider('openai/gpt-4o-mini'),
      prompt: 'A city in Portugal',
      output: Output.object({
        schema: jsonSchema<{ city: string; population: number }>({
          type: 'object',
          properties: { city: { type: 'string' }, population: { type: 'number' } },
          required: ['city', 'population'],
          additionalProperties: false,
        }),
      }),
      maxRetries: 0,
    });
    expect(result.output).toEqual({ city: 'Porto', population: 231962 });
    expect(upstream.last().body.response_format).toMatchObject({
      type: 'json_schema',
      json_schema: { schema: expect.objectContaining({ type: 'object' }) },
    });
  });
});
