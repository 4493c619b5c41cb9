// The chat completions Shuttle builds itself — the mock provider's, and those translated from Anthropic, Bedrock and
// Gemini — checked against OpenAI's published OpenAPI spec: CreateChatCompletionResponse for whole answers and
// CreateChatCompletionStreamResponse for every chunk of a stream, with text, a tool call, structured output and usage.
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { converseEvent } from '../helpers/event-stream-frames.js';
import { type FakeUpstream, type RecordedRequest, sendEvent, sendJson, startFakeUpstream, startSse } from '../helpers/fake-upstream.js';
import { postJson, startGateway, type TestGateway } from '../helpers/gateway.js';
import { expectMatchesSpec } from '../helpers/openai-spec.js';
import { MODEL as CLAUDE, message } from '../providers/fixtures/anthropic.js';
import { converse, HAIKU, sendFrames } from '../providers/fixtures/bedrock.js';
import { answer } from '../providers/fixtures/google.js';
import { translatingProvidersAt } from '../providers/fixtures/translating-providers.js';

const CITY = { city: 'Paris' };
const CITY_JSON = JSON.stringify(CITY);

/** The tool the model calls: the client's get_weather, or the answer tool a response_format became. */
function toolName(request: RecordedRequest): string {
  const anthropic = request.body.tool_choice as { type?: string; name?: string } | undefined;
  if (anthropic?.type === 'tool' && anthropic.name) return anthropic.name;
  const bedrock = (request.body.toolConfig as { toolChoice?: { tool?: { name?: string } } } | undefined)?.toolChoice;
  return bedrock?.tool?.name ?? 'get_weather';
}

function anthropicAnswer(request: RecordedRequest, res: ServerResponse): void {
  const call = { type: 'tool_use', id: 'toolu_01A09q90qw90lq917835lq9', name: toolName(request), input: CITY };
  if (request.body.stream !== true) {
    sendJson(res, 200, message([{ type: 'text', text: 'Let me look.' }, call], 'tool_use'));
    return;
  }
  startSse(res);
  sendEvent(res, { type: 'message_start', message: { ...message([], '', { output_tokens: 1 }), stop_reason: null } }, 'message_start');
  sendEvent(res, { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }, 'content_block_start');
  sendEvent(res, { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Let me look.' } }, 'content_block_delta');
  sendEvent(res, { type: 'content_block_stop', index: 0 }, 'content_block_stop');
  sendEvent(res, { type: 'content_block_start', index: 1, content_block: { ...call, input: {} } }, 'content_block_start');
  for (const partial_json of [CITY_JSON.slice(0, 5), CITY_JSON.slice(5)]) {
    sendEvent(res, { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json } }, 'content_block_delta');
  }
  sendEvent(res, { type: 'content_block_stop', index: 1 }, 'content_block_stop');
  sendEvent(res, { type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 30 } });
  sendEvent(res, { type: 'message_stop' }, 'message_stop');
  res.end();
}

function bedrockAnswer(request: RecordedRequest, res: ServerResponse): void {
  const toolUse = { toolUseId: 'tooluse_kZJMlvQmRJ6eAyJE5GIl7Q', name: toolName(request) };
  if (!request.url.endsWith('/converse-stream')) {
    sendJson(res, 200, converse([{ text: 'Let me look.' }, { toolUse: { ...toolUse, input: CITY } }], 'tool_use'));
    return;
  }
  sendFrames(res, [
    converseEvent('messageStart', { role: 'assistant' }),
    converseEvent('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'Let me look.' } }),
    converseEvent('contentBlockStop', { contentBlockIndex: 0 }),
    converseEvent('contentBlockStart', { contentBlockIndex: 1, start: { toolUse } }),
    converseEvent('contentBlockDelta', { contentBlockIndex: 1, delta: { toolUse: { input: CITY_JSON } } }),
    converseEvent('contentBlockStop', { contentBlockIndex: 1 }),
    converseEvent('messageStop', { stopReason: 'tool_use' }),
    converseEvent('metadata', { usage: { inputTokens: 300, outputTokens: 40, totalTokens: 340 } }),
  ]);
}

function geminiAnswer(request: RecordedRequest, res: ServerResponse): void {
  const json = (request.body.generationConfig as { responseMimeType?: string } | undefined)?.responseMimeType === 'application/json';
  const parts = json ? [{ text: CITY_JSON }] : [{ text: 'Let me look.' }, { functionCall: { name: 'get_weather', args: CITY } }];
  if (!request.url.includes(':streamGenerateContent')) {
    sendJson(res, 200, answer(parts));
    return;
  }
  startSse(res);
  sendEvent(res, answer(parts.slice(0, 1), null));
  sendEvent(res, answer(parts.slice(1)));
  res.end();
}

function answerByProvider(request: RecordedRequest, res: ServerResponse): void {
  if (request.url === '/v1/messages') anthropicAnswer(request, res);
  else if (request.url.startsWith('/model/')) bedrockAnswer(request, res);
  else geminiAnswer(request, res);
}

const TOOLS = [
  {
    type: 'function',
    function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
  },
];
const RESPONSE_FORMAT = {
  type: 'json_schema',
  json_schema: { name: 'place', strict: true, schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
};

describe("Chat completions Shuttle builds, against OpenAI's OpenAPI spec", () => {
  let upstream: FakeUpstream;
  let gateway: TestGateway;

  beforeAll(async () => {
    upstream = await startFakeUpstream(answerByProvider);
    gateway = await startGateway({
      env: {
        ...translatingProvidersAt(upstream.url),
      },
    });
  });

  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  async function expectConforming(body: Record<string, unknown>): Promise<Array<Record<string, unknown>>> {
    const whole = await postJson(gateway, '/chat/completions', body);
    expect(whole.status).toBe(200);
    expectMatchesSpec('CreateChatCompletionResponse', await whole.json());
    const streamed = await postJson(gateway, '/chat/completions', { ...body, stream: true, stream_options: { include_usage: true } });
    expect(streamed.status).toBe(200);
    const text = await streamed.text();
    expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);
    const chunks = text
      .split('\n\n')
      .map((event) => event.replace(/^data: /, '').trim())
      .filter((data) => data !== '' && data !== '[DONE]')
      .map((data) => JSON.parse(data) as Record<string, unknown>);
    for (const chunk of chunks) expectMatchesSpec('CreateChatCompletionStreamResponse', chunk);
    expect(chunks.at(-1)?.usage).toBeDefined();
    return chunks;
  }

  it('mock/echo: text, whole and streamed with usage', async () => {
    await expectConforming({ model: 'mock/echo', messages: [{ role: 'user', content: 'Hello, spec!' }] });
  });

  for (const model of [`anthropic/${CLAUDE}`, `bedrock/${HAIKU}`, 'google/gemini-2.5-flash']) {
    const provider = model.split('/')[0];
    it(`${provider}: text and a tool call, whole and streamed with usage`, async () => {
      const chunks = await expectConforming({ model, messages: [{ role: 'user', content: 'Weather in Paris?' }], tools: TOOLS });
      const deltas = chunks.flatMap((chunk) => (chunk.choices as Array<{ delta: Record<string, unknown> }>).map((choice) => choice.delta));
      expect(deltas.some((delta) => 'tool_calls' in delta)).toBe(true);
    });

    it(`${provider}: structured output (json_schema), whole and streamed`, async () => {
      await expectConforming({ model, messages: [{ role: 'user', content: 'Where?' }], response_format: RESPONSE_FORMAT });
    });
  }
});
