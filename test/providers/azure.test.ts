import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type FakeUpstream, type RecordedRequest, sendEvent, sendJson, startFakeUpstream, startSse } from '../helpers/fake-upstream.js';
import { postJson, startGateway, type TestGateway } from '../helpers/gateway.js';
import { postStream, usageEventOf } from '../helpers/gateway-client.js';

// OpenAI's ChatCompletionChunk (its OpenAPI schema's required fields), which strict clients validate chunks against.
const openAiChunk = z.object({
  id: z.string(),
  object: z.literal('chat.completion.chunk'),
  created: z.int(),
  model: z.string(),
  choices: z.array(
    z.object({
      index: z.int(),
      delta: z.object({ role: z.string().optional(), content: z.string().nullish() }),
      finish_reason: z.enum(['stop', 'length', 'tool_calls', 'content_filter', 'function_call']).nullable(),
    }),
  ),
});

// Shaped after Azure OpenAI's REST reference: content-filter annotations, the dated model the deployment serves.
const filters = { hate: { filtered: false, severity: 'safe' }, violence: { filtered: false, severity: 'safe' } };
const usage = { prompt_tokens: 1000, completion_tokens: 500, total_tokens: 1500, prompt_tokens_details: { cached_tokens: 200 } };
// Priced as OpenAI's gpt-4o: 800 fresh × $2.50 + 200 cached × $1.25 + 500 out × $10.
const GPT_4O_COST = 7250;

function completion(message: Record<string, unknown>, finishReason = 'stop') {
  return {
    id: 'chatcmpl-A1zure',
    object: 'chat.completion',
    created: 1_750_000_000,
    model: 'gpt-4o-2024-08-06',
    prompt_filter_results: [{ prompt_index: 0, content_filter_results: filters }],
    choices: [{ index: 0, finish_reason: finishReason, message: { role: 'assistant', ...message }, content_filter_results: filters }],
    usage,
    system_fingerprint: 'fp_azure',
  };
}

function chunk(delta: Record<string, unknown>, finishReason: string | null = null) {
  return {
    id: 'chatcmpl-A1zure',
    object: 'chat.completion.chunk',
    created: 1_750_000_000,
    model: 'gpt-4o-2024-08-06',
    choices: [{ index: 0, delta, finish_reason: finishReason, content_filter_results: filters }],
  };
}

function answer(request: RecordedRequest, res: ServerResponse): void {
  if (request.url.includes('/embeddings')) {
    sendJson(res, 200, {
      object: 'list',
      data: [{ object: 'embedding', index: 0, embedding: [0.1, 0.2] }],
      model: 'text-embedding-3-small',
      usage: { prompt_tokens: 10_000, total_tokens: 10_000 },
    });
    return;
  }
  if (request.body.stream !== true) {
    sendJson(res, 200, completion({ content: 'Hello from Azure' }));
    return;
  }
  startSse(res);
  // Azure opens a stream with the prompt's filter results: no choices, and no model yet.
  sendEvent(res, {
    id: '',
    object: '',
    created: 0,
    model: '',
    choices: [],
    prompt_filter_results: [{ prompt_index: 0, content_filter_results: filters }],
  });
  sendEvent(res, chunk({ role: 'assistant', content: '' }));
  sendEvent(res, chunk({ content: 'Hello from Azure' }));
  sendEvent(res, chunk({}, 'stop'));
  sendEvent(res, { ...chunk({}), choices: [], usage });
  res.end('data: [DONE]\n\n');
}

describe('Azure OpenAI', () => {
  let upstream: FakeUpstream;
  let gateway: TestGateway;

  beforeAll(async () => {
    upstream = await startFakeUpstream(answer);
    gateway = await startGateway({ env: { AZURE_OPENAI_API_KEY: 'azure-key-1', AZURE_OPENAI_ENDPOINT: `${upstream.url}/` } });
  });

  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  beforeEach(() => upstream.handle(answer));

  it('calls the deployment named by the model with the api-key header, and prices it as the OpenAI model served', async () => {
    const response = await postJson(gateway, '/chat/completions', {
      model: 'azure/prod-gpt4o',
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { prompt_filter_results: unknown }).prompt_filter_results).toBeDefined();
    const sent = upstream.last();
    expect(sent.url).toBe('/openai/deployments/prod-gpt4o/chat/completions?api-version=2024-10-21');
    expect(sent.headers['api-key']).toBe('azure-key-1');
    expect(sent.headers.authorization).toBeUndefined();
    expect(sent.body).not.toHaveProperty('model');
    expect(sent.body.messages).toEqual([{ role: 'user', content: 'Hi' }]);
    expect(response.headers.get('x-shuttle-cost-usd')).toBe('0.007250');
    expect(await usageEventOf(gateway, response)).toMatchObject({
      provider: 'azure',
      servedModel: 'gpt-4o-2024-08-06',
      promptTokens: 1000,
      cachedTokens: 200,
      costMicros: GPT_4O_COST,
    });
  });

  it('passes tool calls and tool results through both ways', async () => {
    const call = { id: 'call_az1', type: 'function', function: { name: 'lookup', arguments: '{"q":"x"}' } };
    upstream.handle((_request, res) => sendJson(res, 200, completion({ content: null, tool_calls: [call] }, 'tool_calls')));
    const tools = [
      { type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string' } } } } },
    ];
    const messages = [
      { role: 'user', content: 'Look x up' },
      { role: 'assistant', content: null, tool_calls: [call] },
      { role: 'tool', tool_call_id: 'call_az1', content: 'found' },
    ];
    const response = await postJson(gateway, '/chat/completions', { model: 'azure/prod-gpt4o', messages, tools });
    expect(upstream.last().body).toMatchObject({ messages, tools });
    expect(((await response.json()) as { choices: Array<{ message: unknown }> }).choices[0]?.message).toMatchObject({ tool_calls: [call] });
  });

  it('streams to [DONE] and prices the stream by the model its usage chunk names', async () => {
    const stream = await postStream(gateway, { model: 'azure/prod-gpt4o', messages: [{ role: 'user', content: 'Hi' }] });
    expect(stream.text).toBe('Hello from Azure');
    // Every chunk, the prompt-filter one first among them, has the shape of OpenAI's ChatCompletionChunk.
    for (const chunk of stream.chunks) expect(openAiChunk.safeParse(chunk).error).toBeUndefined();
    expect(stream.chunks[0]).toMatchObject({
      object: 'chat.completion.chunk',
      prompt_filter_results: [{ prompt_index: 0, content_filter_results: filters }],
    });
    expect(stream.data.at(-1)).toBe('[DONE]');
    expect(upstream.last().body.stream_options).toEqual({ include_usage: true });
    expect(stream.chunks.some((chunk) => Array.isArray(chunk.choices) && chunk.choices.length === 0 && 'usage' in chunk)).toBe(false);
    expect(await usageEventOf(gateway, stream)).toMatchObject({ servedModel: 'gpt-4o-2024-08-06', costMicros: GPT_4O_COST });
  });

  it('passes a content-filter error on with its status, message, code, param and filter results', async () => {
    const message = "The response was filtered due to the prompt triggering Azure OpenAI's content management policy.";
    const innererror = {
      code: 'ResponsibleAIPolicyViolation',
      content_filter_result: {
        ...filters,
        jailbreak: { filtered: true, detected: true },
        self_harm: { filtered: false, severity: 'safe' },
      },
    };
    upstream.handle((_request, res) =>
      sendJson(res, 400, { error: { message, type: null, param: 'prompt', code: 'content_filter', status: 400, innererror } }),
    );
    const response = await postJson(gateway, '/chat/completions', {
      model: 'azure/prod-gpt4o',
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: unknown }).error).toMatchObject({
      message,
      code: 'content_filter',
      param: 'prompt',
      provider: 'azure',
      innererror,
    });
  });

  it('passes a rate limit on with Retry-After', async () => {
    const message =
      'Requests to the ChatCompletions_Create Operation under Azure OpenAI API version 2024-10-21 have exceeded token rate limit of your current OpenAI S0 pricing tier. Please retry after 6 seconds.';
    upstream.handle((_request, res) =>
      sendJson(res, 429, { error: { code: '429', message } }, { 'retry-after': '6', 'retry-after-ms': '6000' }),
    );
    const response = await postJson(gateway, '/chat/completions', {
      model: 'azure/prod-gpt4o',
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('6');
    expect(((await response.json()) as { error: unknown }).error).toMatchObject({ message, provider: 'azure', type: 'rate_limit_error' });
  });

  it('creates embeddings on an embedding deployment, priced as the OpenAI model', async () => {
    const response = await postJson(gateway, '/embeddings', { model: 'azure/embedder', input: ['a', 'b'] });
    expect(response.status).toBe(200);
    expect(upstream.last().url).toBe('/openai/deployments/embedder/embeddings?api-version=2024-10-21');
    expect(upstream.last().body).toEqual({ input: ['a', 'b'] });
    expect(await usageEventOf(gateway, response)).toMatchObject({ servedModel: 'text-embedding-3-small', costMicros: 200 });
  });
  it('refuses a deployment named . or .., which would leave the deployments path with the connection’s key', async () => {
    for (const deployment of ['..', '.']) {
      const before = upstream.requests.length;
      const response = await postJson(gateway, '/chat/completions', {
        model: `azure/${deployment}`,
        messages: [{ role: 'user', content: 'Hi' }],
      });
      expect(response.status, deployment).toBe(400);
      expect(((await response.json()) as { error: { param: string } }).error.param).toBe('model');
      expect(upstream.requests.length).toBe(before);
    }
  });
});
