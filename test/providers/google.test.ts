import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeUpstream, sendJson, startFakeUpstream } from '../helpers/fake-upstream.js';
import { postJson, startGateway, type TestGateway } from '../helpers/gateway.js';
import { usageEventOf } from '../helpers/gateway-client.js';
import { answer, hello } from './fixtures/google.js';

describe('Google Gemini', () => {
  let upstream: FakeUpstream;
  let gateway: TestGateway;
  const ask = (body: Record<string, unknown>) => postJson(gateway, '/chat/completions', { model: 'google/gemini-2.5-flash', ...body });

  beforeAll(async () => {
    upstream = await startFakeUpstream((_request, res) => sendJson(res, 200, hello));
    gateway = await startGateway({ env: { GOOGLE_API_KEY: 'AIza-test', GEMINI_BASE_URL: upstream.url } });
  });

  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  beforeEach(() => upstream.handle((_request, res) => sendJson(res, 200, hello)));

  it('translates a chat to generateContent with a system instruction and generation config, and meters thoughts and cache', async () => {
    const response = await ask({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello.' },
        { role: 'user', content: [{ type: 'text', text: 'Who are you?' }] },
      ],
      max_tokens: 256,
      temperature: 0.4,
      top_p: 0.8,
      stop: ['###'],
      seed: 7,
    });
    expect(response.status).toBe(200);
    const sent = upstream.last();
    expect(sent.url).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
    expect(sent.headers['x-goog-api-key']).toBe('AIza-test');
    expect(sent.body).toEqual({
      contents: [
        { role: 'user', parts: [{ text: 'Hi' }] },
        { role: 'model', parts: [{ text: 'Hello.' }] },
        { role: 'user', parts: [{ text: 'Who are you?' }] },
      ],
      systemInstruction: { parts: [{ text: 'Be brief.' }] },
      generationConfig: { maxOutputTokens: 256, temperature: 0.4, topP: 0.8, stopSequences: ['###'], seed: 7 },
    });
    expect(await response.json()).toMatchObject({
      id: 'chatcmpl-mAitaJqLFLuWz7IPrM2Y8QI',
      object: 'chat.completion',
      model: 'gemini-2.5-flash',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hello! How can I help?' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 1000, completion_tokens: 500, total_tokens: 1500, prompt_tokens_details: { cached_tokens: 200 } },
    });
    // 800 fresh × $0.30 + 200 cached × $0.075 + 500 out (thoughts included) × $2.50, per million tokens.
    expect(await usageEventOf(gateway, response)).toMatchObject({
      provider: 'google',
      servedModel: 'gemini-2.5-flash',
      promptTokens: 1000,
      completionTokens: 500,
      cachedTokens: 200,
      costMicros: 1505,
    });
  });

  it('sends images as inline data or file URIs, and a JSON schema as responseSchema', async () => {
    await ask({
      n: 2,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Describe' },
            { type: 'image_url', image_url: { url: 'data:image/webp;base64,UklGRg==' } },
            { type: 'image_url', image_url: { url: 'https://example.com/photo.png?size=large' } },
          ],
        },
      ],
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'answer',
          strict: true,
          schema: {
            $schema: 'http://json-schema.org/draft-07/schema#',
            type: 'object',
            additionalProperties: false,
            properties: { title: { type: 'string' }, rating: { type: ['integer', 'null'] }, tag: { const: 'x' } },
            required: ['title'],
          },
        },
      },
    });
    expect(upstream.last().body).toMatchObject({
      contents: [
        {
          role: 'user',
          parts: [
            { text: 'Describe' },
            { inlineData: { mimeType: 'image/webp', data: 'UklGRg==' } },
            { fileData: { mimeType: 'image/png', fileUri: 'https://example.com/photo.png?size=large' } },
          ],
        },
      ],
      generationConfig: {
        candidateCount: 2,
        responseMimeType: 'application/json',
        responseSchema: {
          type: 'object',
          properties: { title: { type: 'string' }, rating: { type: 'integer', nullable: true }, tag: { enum: ['x'] } },
          required: ['title'],
        },
      },
    });
  });

  it('round-trips tools, carrying the thought signature of a function call in its tool-call id', async () => {
    upstream.handle((_request, res) =>
      sendJson(res, 200, answer([{ functionCall: { name: 'get_weather', args: { city: 'Rome' } }, thoughtSignature: 'c2lnbmF0dXJl' }])),
    );
    const parameters = { type: 'object', additionalProperties: false, properties: { city: { type: 'string' } }, required: ['city'] };
    const response = await ask({
      tools: [{ type: 'function', function: { name: 'get_weather', description: 'Weather', parameters, strict: true } }],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      messages: [{ role: 'user', content: 'Weather in Rome?' }],
    });
    expect(upstream.last().body).toMatchObject({
      tools: [
        {
          functionDeclarations: [
            {
              name: 'get_weather',
              description: 'Weather',
              parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
            },
          ],
        },
      ],
      toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['get_weather'] } },
    });
    const body = (await response.json()) as {
      choices: Array<{ finish_reason: string; message: { content: unknown; tool_calls: Array<{ id: string; function: unknown }> } }>;
    };
    const choice = body.choices[0];
    expect(choice?.finish_reason).toBe('tool_calls');
    expect(choice?.message.content).toBeNull();
    expect(choice?.message.tool_calls[0]?.function).toEqual({ name: 'get_weather', arguments: '{"city":"Rome"}' });
    const call = choice?.message.tool_calls[0];

    upstream.handle((_request, res) => sendJson(res, 200, hello));
    await ask({
      messages: [
        { role: 'user', content: 'Weather in Rome?' },
        { role: 'assistant', content: null, tool_calls: [call] },
        { role: 'tool', tool_call_id: call?.id, content: '{"celsius": 24}' },
        { role: 'tool', tool_call_id: call?.id, content: 'sunny' },
      ],
    });
    expect(upstream.last().body.contents).toEqual([
      { role: 'user', parts: [{ text: 'Weather in Rome?' }] },
      { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: { city: 'Rome' } }, thoughtSignature: 'c2lnbmF0dXJl' }] },
      {
        role: 'user',
        parts: [
          { functionResponse: { name: 'get_weather', response: { celsius: 24 } } },
          { functionResponse: { name: 'get_weather', response: { result: 'sunny' } } },
        ],
      },
    ]);
  });

  it('maps finish reasons, and a blocked prompt to content_filter', async () => {
    upstream.handle((_request, res) => sendJson(res, 200, answer([{ text: 'cut' }], 'MAX_TOKENS')));
    expect(
      ((await (await ask({ messages: [{ role: 'user', content: 'x' }] })).json()) as { choices: Array<{ finish_reason: string }> })
        .choices[0]?.finish_reason,
    ).toBe('length');
    upstream.handle((_request, res) =>
      sendJson(res, 200, {
        promptFeedback: { blockReason: 'SAFETY' },
        usageMetadata: { promptTokenCount: 8, totalTokenCount: 8 },
        modelVersion: 'gemini-2.5-flash',
      }),
    );
    const blocked = (await (await ask({ messages: [{ role: 'user', content: 'x' }] })).json()) as {
      choices: Array<Record<string, unknown>>;
    };
    expect(blocked.choices).toEqual([
      { index: 0, message: { role: 'assistant', content: null, refusal: null }, finish_reason: 'content_filter', logprobs: null },
    ]);
  });

  it('passes an error answer on with its status, message and status code', async () => {
    const error = { code: 400, message: 'API key not valid. Please pass a valid API key.', status: 'INVALID_ARGUMENT' };
    upstream.handle((_request, res) => sendJson(res, 400, { error }));
    const response = await ask({ messages: [{ role: 'user', content: 'x' }] });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: unknown }).error).toMatchObject({
      message: error.message,
      code: 'INVALID_ARGUMENT',
      provider: 'google',
    });
  });

  it('turns the RetryInfo of a 429 RESOURCE_EXHAUSTED into Retry-After', async () => {
    const message = 'You exceeded your current quota, please check your plan and billing details.';
    upstream.handle((_request, res) =>
      sendJson(res, 429, {
        error: {
          code: 429,
          message,
          status: 'RESOURCE_EXHAUSTED',
          details: [
            {
              '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
              violations: [{ quotaMetric: 'generativelanguage.googleapis.com/generate_content_free_tier_requests' }],
            },
            { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '33.5s' },
          ],
        },
      }),
    );
    const response = await ask({ messages: [{ role: 'user', content: 'x' }] });
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('34');
    expect(((await response.json()) as { error: unknown }).error).toMatchObject({
      message,
      code: 'RESOURCE_EXHAUSTED',
      type: 'rate_limit_error',
      provider: 'google',
    });
  });

  it('creates embeddings with batchEmbedContents', async () => {
    upstream.handle((_request, res) => sendJson(res, 200, { embeddings: [{ values: [0.5, -0.25] }, { values: [1, 0] }] }));
    const response = await postJson(gateway, '/embeddings', {
      model: 'google/gemini-embedding-001',
      input: ['alpha', 'beta'],
      dimensions: 2,
    });
    expect(response.status).toBe(200);
    expect(upstream.last().url).toBe('/v1beta/models/gemini-embedding-001:batchEmbedContents');
    expect(upstream.last().body).toEqual({
      requests: [
        { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'alpha' }] }, outputDimensionality: 2 },
        { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'beta' }] }, outputDimensionality: 2 },
      ],
    });
    expect(await response.json()).toMatchObject({
      object: 'list',
      model: 'gemini-embedding-001',
      data: [
        { object: 'embedding', index: 0, embedding: [0.5, -0.25] },
        { object: 'embedding', index: 1, embedding: [1, 0] },
      ],
    });
  });
  it('refuses a model name that would reach another Gemini endpoint with the connection’s key', async () => {
    for (const model of ['../../v1beta/files?', 'cachedContents?', 'models/%2e%2e/%2e%2e/files', 'models/a:b', 'a#b', 'models/a/b']) {
      const before = upstream.requests.length;
      const response = await ask({ model: `google/${model}`, messages: [{ role: 'user', content: 'Hi' }] });
      expect(response.status, model).toBe(400);
      expect(((await response.json()) as { error: { param: string } }).error.param).toBe('model');
      expect(upstream.requests.length, model).toBe(before);
    }
    await ask({ model: 'google/tunedModels/my-model-7x', messages: [{ role: 'user', content: 'Hi' }] });
    expect(upstream.last().url).toBe('/v1beta/tunedModels/my-model-7x:generateContent');
  });
});
