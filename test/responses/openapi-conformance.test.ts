// Shuttle's Responses API output, checked against OpenAI's published OpenAPI spec (the schemas extracted into
// test/fixtures/openai-openapi/): the response object, and every streamed event against the ResponseStreamEvent
// variant its type names, from the mock provider, a translated provider (Anthropic: text, a function call, usage),
// an OpenAI-compatible one streaming reasoning, a response cut short, and a stream that breaks off.
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { converseEvent } from '../helpers/event-stream-frames.js';
import {
  chunk,
  completion,
  defaultHandler,
  type FakeUpstream,
  sendEvent,
  sendJson,
  startFakeOpenAi,
  startSse,
  usageChunk,
} from '../helpers/fake-openai.js';
import { type FakeUpstream as RawUpstream, type RecordedRequest, startFakeUpstream } from '../helpers/fake-upstream.js';
import { postJson, startGateway, type TestGateway } from '../helpers/gateway.js';
import { responseEventSchemas as eventSchemas, expectMatchesSpec as expectValid, specSource, validatorOf } from '../helpers/openai-spec.js';
import { MODEL as CLAUDE, message } from '../providers/fixtures/anthropic.js';
import { converse, credentials, HAIKU, sendFrames } from '../providers/fixtures/bedrock.js';
import { answer } from '../providers/fixtures/google.js';

/** Checks each event against its variant and against ResponseStreamEvent; answers the event types in order. */
function expectValidEvents(body: string): string[] {
  const types: string[] = [];
  for (const block of body.split('\n\n').filter((text) => text.trim() !== '')) {
    const name = /^event: (.+)$/m.exec(block)?.[1];
    const data = JSON.parse(/^data: (.+)$/m.exec(block)?.[1] ?? 'null') as { type: string; sequence_number: number };
    expect(name).toBe(data.type);
    expect(data.sequence_number).toBe(types.length);
    const schema = eventSchemas.get(data.type);
    expect(schema, `a ResponseStreamEvent variant for ${data.type}`).toBeDefined();
    expectValid(schema as string, data);
    expectValid('ResponseStreamEvent', data);
    types.push(data.type);
  }
  return types;
}

async function streamed(gateway: TestGateway, body: Record<string, unknown>): Promise<string> {
  const response = await postJson(gateway, '/responses', { ...body, stream: true });
  expect(response.status).toBe(200);
  return response.text();
}

const LONG = Array.from({ length: 40 }, (_, at) => `word${at}`).join(' ');

const WEATHER_TOOL = {
  type: 'function',
  name: 'get_weather',
  description: 'The weather in a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
  strict: true,
};

/** Claude answers with text, then calls get_weather; streamed, the tool's input arrives in fragments. */
function claudeCallsTool(request: RecordedRequest, res: ServerResponse): void {
  const call = { type: 'tool_use', id: 'toolu_01A09q90qw90lq917835lq9', name: 'get_weather', input: { city: 'Paris' } };
  if (request.body.stream !== true) {
    sendJson(res, 200, message([{ type: 'text', text: 'Let me look.' }, call], 'tool_use'));
    return;
  }
  startSse(res);
  sendEvent(res, { type: 'message_start', message: { ...message([], '', { output_tokens: 1 }), stop_reason: null } }, 'message_start');
  sendEvent(res, { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }, 'content_block_start');
  sendEvent(res, { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Let me ' } }, 'content_block_delta');
  sendEvent(res, { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'look.' } }, 'content_block_delta');
  sendEvent(res, { type: 'content_block_stop', index: 0 }, 'content_block_stop');
  sendEvent(res, { type: 'content_block_start', index: 1, content_block: { ...call, input: {} } }, 'content_block_start');
  for (const partial_json of ['{"ci', 'ty": "Paris"}']) {
    sendEvent(res, { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json } }, 'content_block_delta');
  }
  sendEvent(res, { type: 'content_block_stop', index: 1 }, 'content_block_stop');
  sendEvent(res, { type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 30 } });
  sendEvent(res, { type: 'message_stop' }, 'message_stop');
  res.end();
}

/** Claude starts answering, then the connection drops. */
async function claudeBreaksOff(_request: RecordedRequest, res: ServerResponse): Promise<void> {
  startSse(res);
  sendEvent(res, { type: 'message_start', message: { ...message([], '', { output_tokens: 1 }), stop_reason: null } }, 'message_start');
  sendEvent(res, { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }, 'content_block_start');
  sendEvent(res, { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Half an' } }, 'content_block_delta');
  await new Promise((resolve) => setTimeout(resolve, 50));
  res.destroy();
}

/** Gemini and Bedrock, told apart by path: text, then a get_weather call, streamed or whole. */
function geminiOrBedrockCallsTool(request: RecordedRequest, res: ServerResponse): void {
  const gemini = !request.url.startsWith('/model/');
  if (gemini) {
    const call = { functionCall: { name: 'get_weather', args: { city: 'Paris' } } };
    if (!request.url.includes(':streamGenerateContent')) {
      sendJson(res, 200, answer([{ text: 'Let me look.' }, call]));
      return;
    }
    startSse(res);
    sendEvent(res, answer([{ text: 'Let me ' }], null));
    sendEvent(res, answer([{ text: 'look.' }, call]));
    res.end();
    return;
  }
  const toolUse = { toolUseId: 'tooluse_kZJMlvQmRJ6eAyJE5GIl7Q', name: 'get_weather' };
  if (!request.url.endsWith('/converse-stream')) {
    sendJson(res, 200, converse([{ text: 'Let me look.' }, { toolUse: { ...toolUse, input: { city: 'Paris' } } }], 'tool_use'));
    return;
  }
  sendFrames(res, [
    converseEvent('messageStart', { role: 'assistant' }),
    converseEvent('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'Let me look.' } }),
    converseEvent('contentBlockStop', { contentBlockIndex: 0 }),
    converseEvent('contentBlockStart', { contentBlockIndex: 1, start: { toolUse } }),
    converseEvent('contentBlockDelta', { contentBlockIndex: 1, delta: { toolUse: { input: '{"city":' } } }),
    converseEvent('contentBlockDelta', { contentBlockIndex: 1, delta: { toolUse: { input: '"Paris"}' } } }),
    converseEvent('contentBlockStop', { contentBlockIndex: 1 }),
    converseEvent('messageStop', { stopReason: 'tool_use' }),
    converseEvent('metadata', { usage: { inputTokens: 300, outputTokens: 40, totalTokens: 340 } }),
  ]);
}

describe("Responses API output against OpenAI's OpenAPI spec", () => {
  let openai: FakeUpstream;
  let anthropic: RawUpstream;
  let others: RawUpstream;
  let gateway: TestGateway;

  beforeAll(async () => {
    openai = await startFakeOpenAi();
    anthropic = await startFakeUpstream(claudeCallsTool);
    others = await startFakeUpstream(geminiOrBedrockCallsTool);
    gateway = await startGateway({
      env: {
        OPENAI_API_KEY: 'sk-upstream-test',
        OPENAI_BASE_URL: openai.baseUrl,
        ANTHROPIC_API_KEY: 'sk-ant-test',
        ANTHROPIC_BASE_URL: anthropic.url,
        GOOGLE_API_KEY: 'AIza-test',
        GEMINI_BASE_URL: others.url,
        AWS_ACCESS_KEY_ID: credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
        AWS_REGION: 'eu-west-1',
        BEDROCK_BASE_URL: others.url,
      },
    });
  });

  beforeEach(() => {
    anthropic.handle(claudeCallsTool);
    openai.handle(defaultHandler);
  });

  afterAll(async () => {
    await gateway?.close();
    await openai?.close();
    await anthropic?.close();
    await others?.close();
  });

  it('the extract names its source and maps every event type Shuttle emits', () => {
    expect(specSource).toMatch(/^https:\/\/github\.com\/openai\/openai-openapi\/blob\/[0-9a-f]{40}\/openapi\.json$/);
    expect(eventSchemas.get('response.output_text.delta')).toBe('ResponseTextDeltaEvent');
    expect(eventSchemas.size).toBeGreaterThan(40);
  });

  it('the schemas have teeth: what Shuttle used to send (user: null, usage: null, a code of its own) fails them', async () => {
    const created = await postJson(gateway, '/responses', { model: 'mock/echo', input: 'Hello' });
    const body = (await created.json()) as Record<string, unknown>;
    for (const broken of [
      { ...body, user: null },
      { ...body, usage: null },
      { ...body, status: 'failed', error: { code: 'upstream_error', message: 'x' } },
    ]) {
      expect(validatorOf('Response')(broken)).toBe(false);
    }
    const delta = {
      type: 'response.output_text.delta',
      sequence_number: 3,
      item_id: 'msg_1',
      output_index: 0,
      content_index: 0,
      delta: 'Hi',
    };
    expect(validatorOf('ResponseTextDeltaEvent')(delta)).toBe(false); // logprobs is required
    expect(validatorOf('ResponseTextDeltaEvent')({ ...delta, logprobs: [] })).toBe(true);
  });

  it('mock/echo: the response object, and the one fetched back by GET, match Response', async () => {
    const created = await postJson(gateway, '/responses', { model: 'mock/echo', input: 'Hello, spec!', instructions: 'Be brief.' });
    expect(created.status).toBe(200);
    const body = (await created.json()) as { id: string; status: string };
    expect(body.status).toBe('completed');
    expectValid('Response', body);
    const fetched = await fetch(`${gateway.api}/responses/${body.id}`, { headers: { authorization: `Bearer ${gateway.masterKey}` } });
    expectValid('Response', await fetched.json());
  });

  it('mock/echo streamed: every event matches its ResponseStreamEvent variant', async () => {
    const types = expectValidEvents(await streamed(gateway, { model: 'mock/echo', input: 'one two three' }));
    expect(types[0]).toBe('response.created');
    expect(types).toContain('response.output_text.delta');
    expect(types.at(-1)).toBe('response.completed');
  });

  it('mock/echo cut short by max_output_tokens: an incomplete response, and its stream, match', async () => {
    const created = await postJson(gateway, '/responses', { model: 'mock/echo', input: LONG, max_output_tokens: 16 });
    const body = (await created.json()) as { status: string };
    expect(body).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } });
    expectValid('Response', body);
    const types = expectValidEvents(await streamed(gateway, { model: 'mock/echo', input: LONG, max_output_tokens: 16 }));
    expect(types.at(-1)).toBe('response.incomplete');
  });

  it('Anthropic behind /responses: text, a function call and usage match Response', async () => {
    const created = await postJson(gateway, '/responses', {
      model: `anthropic/${CLAUDE}`,
      input: 'Weather in Paris?',
      tools: [WEATHER_TOOL],
    });
    const body = (await created.json()) as { output: Array<{ type: string }>; usage: { output_tokens: number } };
    expect(body.output.map((item) => item.type)).toEqual(['message', 'function_call']);
    expect(body.usage.output_tokens).toBe(503);
    expectValid('Response', body);
  });

  it('Anthropic behind /responses streamed: text, function-call argument and usage events match', async () => {
    const types = expectValidEvents(
      await streamed(gateway, { model: `anthropic/${CLAUDE}`, input: 'Weather in Paris?', tools: [WEATHER_TOOL] }),
    );
    for (const type of [
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.completed',
    ]) {
      expect(types).toContain(type);
    }
  });

  for (const model of ['google/gemini-2.5-flash', `bedrock/${HAIKU}`]) {
    it(`${model.split('/')[0]} behind /responses: text and a function call match, whole and streamed`, async () => {
      const request = { model, input: 'Weather in Paris?', tools: [WEATHER_TOOL] };
      const created = await postJson(gateway, '/responses', request);
      const body = (await created.json()) as { output: Array<{ type: string }> };
      expect(body.output.map((item) => item.type)).toEqual(['message', 'function_call']);
      expectValid('Response', body);
      const types = expectValidEvents(await streamed(gateway, request));
      expect(types).toContain('response.function_call_arguments.done');
      expect(types.at(-1)).toBe('response.completed');
    });
  }

  it('the request fields a response echoes match: text.format json_schema, a named tool_choice, user, metadata', async () => {
    const request = {
      model: `anthropic/${CLAUDE}`,
      input: 'Weather in Paris?',
      tools: [WEATHER_TOOL],
      tool_choice: { type: 'function', name: 'get_weather' },
      text: { format: { type: 'json_schema', name: 'weather', schema: { type: 'object', properties: {} }, strict: false } },
      user: 'user-1234',
      metadata: { team: 'blue' },
      temperature: 0.2,
      top_p: 0.9,
      max_output_tokens: 500,
      reasoning: { effort: 'low' },
      instructions: 'Be brief.',
      parallel_tool_calls: false,
    };
    const created = await postJson(gateway, '/responses', request);
    expect(created.status).toBe(200);
    const body = await created.json();
    expect(body).toMatchObject({ user: 'user-1234', metadata: { team: 'blue' }, text: { format: { type: 'json_schema' } } });
    expectValid('Response', body);
    expectValidEvents(await streamed(gateway, request));
  });

  it('a refusal, whole and streamed, matches', async () => {
    openai.handle((request, res) => {
      if (request.body.stream !== true) {
        const refused = {
          index: 0,
          message: { role: 'assistant', content: null, refusal: 'I cannot help with that.' },
          finish_reason: 'stop',
        };
        sendJson(res, 200, completion('', { choices: [refused] }));
        return;
      }
      startSse(res);
      sendEvent(res, chunk({ role: 'assistant', refusal: 'I cannot ' }));
      sendEvent(res, chunk({ refusal: 'help with that.' }));
      sendEvent(res, chunk({}, 'stop'));
      sendEvent(res, usageChunk(12, 7));
      res.end('data: [DONE]\n\n');
    });
    const created = await postJson(gateway, '/responses', { model: 'openai/gpt-4o-mini', input: 'Something bad' });
    const body = (await created.json()) as { output: Array<{ content: Array<{ type: string }> }> };
    expect(body.output[0]?.content[0]?.type).toBe('refusal');
    expectValid('Response', body);
    const types = expectValidEvents(await streamed(gateway, { model: 'openai/gpt-4o-mini', input: 'Something bad' }));
    expect(types).toEqual(expect.arrayContaining(['response.refusal.delta', 'response.refusal.done']));
  });

  it('an OpenAI-compatible provider streaming reasoning, text and usage: reasoning events match', async () => {
    openai.handle((_request, res) => {
      startSse(res);
      sendEvent(res, chunk({ role: 'assistant', reasoning_content: 'Thinking' }));
      sendEvent(res, chunk({ reasoning_content: ' hard.' }));
      sendEvent(res, chunk({ content: 'Forty-two.' }));
      sendEvent(res, chunk({}, 'stop'));
      sendEvent(res, usageChunk(12, 7));
      res.end('data: [DONE]\n\n');
    });
    const types = expectValidEvents(await streamed(gateway, { model: 'openai/gpt-4o-mini', input: 'The answer?' }));
    expect(types).toContain('response.reasoning_text.delta');
    expect(types).toContain('response.reasoning_text.done');
    openai.handle((_request, res) =>
      sendJson(
        res,
        200,
        completion('Forty-two.', {
          choices: [
            { index: 0, message: { role: 'assistant', content: 'Forty-two.', reasoning_content: 'Thinking hard.' }, finish_reason: 'stop' },
          ],
        }),
      ),
    );
    const created = await postJson(gateway, '/responses', { model: 'openai/gpt-4o-mini', input: 'The answer?' });
    const body = (await created.json()) as { output: Array<{ type: string }> };
    expect(body.output.map((item) => item.type)).toEqual(['reasoning', 'message']);
    expectValid('Response', body);
  });

  it('a stream that breaks off ends with a response.failed that matches, its error code from the spec', async () => {
    anthropic.handle(claudeBreaksOff);
    const types = expectValidEvents(await streamed(gateway, { model: `anthropic/${CLAUDE}`, input: 'Tell me a story' }));
    expect(types.at(-1)).toBe('response.failed');
  });

  it("response.failed carries the spec's server_error code, Shuttle's own code in its message", async () => {
    anthropic.handle(claudeBreaksOff);
    const events = (await streamed(gateway, { model: `anthropic/${CLAUDE}`, input: 'Tell me a story' })).trim().split('\n\n');
    const failed = JSON.parse((events.at(-1) as string).split('\ndata: ')[1] as string);
    expect(failed.response.error).toEqual({ code: 'server_error', message: expect.stringMatching(/\(upstream_[a-z_]+\)$/) });
    expect(failed.response).not.toHaveProperty('user');
  });
});
