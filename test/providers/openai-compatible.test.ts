import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeUpstream, type RecordedRequest, sendEvent, sendJson, startFakeUpstream, startSse } from '../helpers/fake-upstream.js';
import { postJson, startGateway, type TestGateway } from '../helpers/gateway.js';
import { postStream, usageEventOf } from '../helpers/gateway-client.js';
import { COMPAT_CASES, type CompatCase, chunkFor, completionFor, usageFor } from './fixtures/openai-compatible.js';

const weatherTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather in a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};

/** The provider a request reached, by the longest prefix of its URL. */
function caseOf(request: RecordedRequest): CompatCase {
  const matches = COMPAT_CASES.filter((testCase) => request.url.startsWith(`${testCase.prefix}/`));
  const found = matches.sort((a, b) => b.prefix.length - a.prefix.length)[0];
  if (!found) throw new Error(`no provider at ${request.url}`);
  return found;
}

function streamAnswer(testCase: CompatCase, res: ServerResponse): void {
  startSse(res);
  // OpenRouter keeps slow connections open with SSE comments; they must be ignored.
  if (testCase.name === 'openrouter') res.write(': OPENROUTER PROCESSING\n\n');
  sendEvent(res, chunkFor(testCase, { role: 'assistant', content: '' }));
  sendEvent(res, chunkFor(testCase, { content: 'Hello' }));
  sendEvent(res, chunkFor(testCase, { content: ' there' }));
  const last = chunkFor(testCase, {}, 'stop');
  if (testCase.streamUsage === 'final-chunk') last.usage = usageFor(testCase);
  if (testCase.streamUsage === 'x_groq') last.x_groq = { id: 'req_01', usage: usageFor(testCase) };
  sendEvent(res, last);
  if (testCase.streamUsage === 'usage-chunk') sendEvent(res, { ...chunkFor(testCase, {}), choices: [], usage: usageFor(testCase) });
  res.end('data: [DONE]\n\n');
}

function defaultAnswer(request: RecordedRequest, res: ServerResponse): void {
  const testCase = caseOf(request);
  if (request.url.endsWith('/embeddings')) {
    sendJson(res, 200, {
      object: 'list',
      data: [{ object: 'embedding', index: 0, embedding: [0.25, -0.5] }],
      model: request.body.model,
      usage: { prompt_tokens: 7, total_tokens: 7 },
    });
  } else if (request.body.stream === true) {
    streamAnswer(testCase, res);
  } else {
    sendJson(res, 200, completionFor(testCase, { content: 'Hello there' }));
  }
}

describe('OpenAI-compatible providers', () => {
  let upstream: FakeUpstream;
  let gateway: TestGateway;

  beforeAll(async () => {
    upstream = await startFakeUpstream(defaultAnswer);
    const env = Object.assign({}, ...COMPAT_CASES.map((testCase) => testCase.env(`${upstream.url}${testCase.prefix}`)));
    gateway = await startGateway({ env });
  });

  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  beforeEach(() => upstream.handle(defaultAnswer));

  describe.each(COMPAT_CASES)('$name', (testCase) => {
    const model = `${testCase.name}/${testCase.model}`;

    it('forwards a completion with the model rewritten and its key, and meters the answer', async () => {
      const response = await postJson(gateway, '/chat/completions', {
        model,
        messages: [{ role: 'user', content: 'Hi' }],
        temperature: 0.3,
      });
      expect(response.status).toBe(200);
      const body = (await response.json()) as { choices: Array<{ message: { content: string } }> };
      expect(body.choices[0]?.message.content).toBe('Hello there');
      const sent = upstream.last();
      expect(sent.url).toBe(`${testCase.prefix}${testCase.chatPath}`);
      expect(sent.headers.authorization).toBe(testCase.authorization);
      expect(sent.body).toMatchObject({ model: testCase.model, messages: [{ role: 'user', content: 'Hi' }], temperature: 0.3 });
      expect(response.headers.get('x-shuttle-provider')).toBe(testCase.name);
      expect(await usageEventOf(gateway, response)).toMatchObject({
        provider: testCase.name,
        servedModel: testCase.model,
        promptTokens: 1000,
        completionTokens: 500,
        cachedTokens: testCase.cachedTokens,
        costMicros: testCase.costMicros,
      });
    });

    it('passes tools, tool calls and tool results through both ways', async () => {
      const toolCall = { id: 'call_w1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } };
      upstream.handle((request, res) =>
        sendJson(res, 200, completionFor(caseOf(request), { content: null, tool_calls: [toolCall] }, 'tool_calls')),
      );
      const messages = [
        { role: 'user', content: 'Weather in Paris and Rome?' },
        { role: 'assistant', content: null, tool_calls: [{ ...toolCall, id: 'call_r1' }] },
        { role: 'tool', tool_call_id: 'call_r1', content: '{"temp":21}' },
      ];
      const response = await postJson(gateway, '/chat/completions', { model, messages, tools: [weatherTool], tool_choice: 'auto' });
      const body = (await response.json()) as { choices: Array<{ message: { tool_calls: unknown }; finish_reason: string }> };
      expect(upstream.last().body).toMatchObject({ messages, tools: [weatherTool], tool_choice: 'auto' });
      expect(body.choices[0]?.message.tool_calls).toEqual([toolCall]);
      expect(body.choices[0]?.finish_reason).toBe('tool_calls');
    });

    it('streams chunks in OpenAI format to [DONE] and meters the usage it reports', async () => {
      const answer = await postStream(gateway, {
        model,
        messages: [{ role: 'user', content: 'Hi' }],
        stream_options: { include_usage: true },
      });
      expect(answer.status).toBe(200);
      expect(answer.text).toBe('Hello there');
      expect(answer.data.at(-1)).toBe('[DONE]');
      expect(answer.chunks.every((chunk) => chunk.object === 'chat.completion.chunk')).toBe(true);
      expect(await usageEventOf(gateway, answer)).toMatchObject({
        streamed: true,
        promptTokens: 1000,
        completionTokens: 500,
        cachedTokens: testCase.cachedTokens,
        costMicros: testCase.costMicros,
      });
    });

    it(testCase.name === 'mistral' ? 'omits stream_options, which Mistral refuses' : 'asks for usage on every stream', async () => {
      await postStream(gateway, { model, messages: [{ role: 'user', content: 'Hi' }] });
      const expected = testCase.name === 'mistral' ? undefined : { include_usage: true };
      expect(upstream.last().body.stream_options).toEqual(expected);
    });

    it('passes its error answer on with the status, message and provider', async () => {
      upstream.handle((_request, res) => sendJson(res, testCase.error.status, testCase.error.body));
      const response = await postJson(gateway, '/chat/completions', { model, messages: [{ role: 'user', content: 'Hi' }] });
      expect(response.status).toBe(testCase.error.status);
      const { error } = (await response.json()) as { error: Record<string, unknown> };
      expect(error).toMatchObject({ message: testCase.error.message, provider: testCase.name });
    });

    it(testCase.embeddingModel ? 'creates embeddings' : 'refuses embeddings, which it does not offer', async () => {
      const embeddingModel = `${testCase.name}/${testCase.embeddingModel ?? testCase.model}`;
      const response = await postJson(gateway, '/embeddings', { model: embeddingModel, input: 'hello' });
      if (!testCase.embeddingModel) {
        expect(response.status).toBe(400);
        expect(((await response.json()) as { error: { message: string } }).error.message).toContain('does not offer embeddings');
        return;
      }
      expect(response.status).toBe(200);
      expect(upstream.last().url).toBe(`${testCase.prefix}${testCase.chatPath.replace('chat/completions', 'embeddings')}`);
      expect(upstream.last().body).toMatchObject({ model: testCase.embeddingModel, input: 'hello' });
      expect(await usageEventOf(gateway, response)).toMatchObject({ endpoint: 'embeddings', promptTokens: 7 });
    });
  });

  describe.each(COMPAT_CASES.filter((testCase) => testCase.rateLimit !== null))('$name', (testCase) => {
    it('passes its rate-limit answer on with Retry-After', async () => {
      const limit = testCase.rateLimit;
      if (!limit) throw new Error('filtered above');
      upstream.handle((_request, res) => sendJson(res, limit.status, limit.body, { 'retry-after': limit.retryAfter }));
      const model = `${testCase.name}/${testCase.model}`;
      const response = await postJson(gateway, '/chat/completions', { model, messages: [{ role: 'user', content: 'Hi' }] });
      expect(response.status).toBe(limit.status);
      expect(response.headers.get('retry-after')).toBe(limit.retryAfter);
      expect(((await response.json()) as { error: Record<string, unknown> }).error).toMatchObject({
        message: limit.message,
        provider: testCase.name,
      });
    });
  });

  it('renames and drops the fields Mistral names differently or refuses', async () => {
    await postJson(gateway, '/chat/completions', {
      model: 'mistral/mistral-small-latest',
      messages: [{ role: 'user', content: 'Hi' }],
      seed: 42,
      max_completion_tokens: 64,
      user: 'customer-7',
      stop: ['\n\n'],
    });
    const sent = upstream.last().body;
    expect(sent).toMatchObject({ random_seed: 42, max_tokens: 64, stop: ['\n\n'] });
    for (const field of ['seed', 'max_completion_tokens', 'user', 'stream_options']) expect(sent).not.toHaveProperty(field);
  });
});
