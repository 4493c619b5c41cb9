import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeUpstream, type RecordedRequest, sendJson, startFakeUpstream } from '../helpers/fake-upstream.js';
import { postJson, startGateway, type TestGateway } from '../helpers/gateway.js';
import { usageEventOf } from '../helpers/gateway-client.js';
import { converse, credentials, expectSignedBy, HAIKU } from './fixtures/bedrock.js';

describe('Amazon Bedrock (Converse)', () => {
  let upstream: FakeUpstream;
  let gateway: TestGateway;
  const ask = (body: Record<string, unknown>, model = HAIKU) =>
    postJson(gateway, '/chat/completions', { model: `bedrock/${model}`, ...body });
  const hello = (_request: RecordedRequest, res: ServerResponse) => sendJson(res, 200, converse([{ text: 'Hello from Bedrock.' }]));

  beforeAll(async () => {
    upstream = await startFakeUpstream(hello);
    gateway = await startGateway({
      env: {
        AWS_ACCESS_KEY_ID: credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
        AWS_SESSION_TOKEN: credentials.sessionToken,
        AWS_REGION: 'eu-west-1',
        BEDROCK_BASE_URL: upstream.url,
      },
    });
  });

  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  beforeEach(() => upstream.handle(hello));

  it('sends a SigV4-signed Converse request and translates the answer, metering cache reads', async () => {
    const response = await ask({
      messages: [
        { role: 'system', content: 'Answer briefly.' },
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello.' },
        { role: 'user', content: 'Who are you?' },
      ],
      max_tokens: 512,
      temperature: 0.2,
      top_p: 0.9,
      stop: ['Human:'],
    });
    expect(response.status).toBe(200);
    const sent = upstream.last();
    expect(sent.url).toBe('/model/anthropic.claude-3-5-haiku-20241022-v1%3A0/converse');
    expectSignedBy(sent, 'eu-west-1');
    expect(sent.body).toEqual({
      system: [{ text: 'Answer briefly.' }],
      messages: [
        { role: 'user', content: [{ text: 'Hi' }] },
        { role: 'assistant', content: [{ text: 'Hello.' }] },
        { role: 'user', content: [{ text: 'Who are you?' }] },
      ],
      inferenceConfig: { maxTokens: 512, temperature: 0.2, topP: 0.9, stopSequences: ['Human:'] },
    });
    expect(await response.json()).toMatchObject({
      object: 'chat.completion',
      model: HAIKU,
      choices: [{ message: { role: 'assistant', content: 'Hello from Bedrock.' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 1000, completion_tokens: 500, prompt_tokens_details: { cached_tokens: 200 } },
    });
    // 800 fresh × $0.80 + 200 cache reads × $0.08 + 500 out × $4, per million tokens.
    expect(await usageEventOf(gateway, response)).toMatchObject({
      provider: 'bedrock',
      promptTokens: 1000,
      cachedTokens: 200,
      costMicros: 2656,
    });
  });

  it('prices a cross-region inference profile as the model it serves', async () => {
    const response = await ask({ messages: [{ role: 'user', content: 'Hi' }] }, 'us.anthropic.claude-sonnet-4-20250514-v1:0');
    expect(upstream.last().url).toBe('/model/us.anthropic.claude-sonnet-4-20250514-v1%3A0/converse');
    // 800 × $3 + 200 × $0.30 + 500 × $15
    expect(await usageEventOf(gateway, response)).toMatchObject({ costMicros: 9960 });
  });

  it('round-trips tools as toolConfig, toolUse and toolResult blocks', async () => {
    upstream.handle((_request, res) =>
      sendJson(
        res,
        200,
        converse(
          [{ text: 'Looking.' }, { toolUse: { toolUseId: 'tooluse_kZJMlvQmRJ6eAyJE5GIl7Q', name: 'top_song', input: { sign: 'WZPZ' } } }],
          'tool_use',
        ),
      ),
    );
    const parameters = { type: 'object', properties: { sign: { type: 'string' } }, required: ['sign'] };
    const response = await ask({
      tools: [{ type: 'function', function: { name: 'top_song', description: 'Most popular song on a station', parameters } }],
      tool_choice: 'required',
      messages: [
        { role: 'user', content: 'Top songs on WZPZ and WKRP?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'tooluse_1', type: 'function', function: { name: 'top_song', arguments: '{"sign":"WKRP"}' } }],
        },
        { role: 'tool', tool_call_id: 'tooluse_1', content: 'Elemental Hotel' },
      ],
    });
    expect(upstream.last().body).toEqual({
      messages: [
        { role: 'user', content: [{ text: 'Top songs on WZPZ and WKRP?' }] },
        { role: 'assistant', content: [{ toolUse: { toolUseId: 'tooluse_1', name: 'top_song', input: { sign: 'WKRP' } } }] },
        { role: 'user', content: [{ toolResult: { toolUseId: 'tooluse_1', content: [{ text: 'Elemental Hotel' }] } }] },
      ],
      toolConfig: {
        tools: [{ toolSpec: { name: 'top_song', description: 'Most popular song on a station', inputSchema: { json: parameters } } }],
        toolChoice: { any: {} },
      },
    });
    expect(((await response.json()) as { choices: unknown[] }).choices[0]).toMatchObject({
      finish_reason: 'tool_calls',
      message: {
        content: 'Looking.',
        tool_calls: [
          { id: 'tooluse_kZJMlvQmRJ6eAyJE5GIl7Q', type: 'function', function: { name: 'top_song', arguments: '{"sign":"WZPZ"}' } },
        ],
      },
    });
  });

  it('sends data-URL images as bytes and refuses image links, which Converse cannot fetch', async () => {
    await ask({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,/9j/4AAQ' } },
            { type: 'text', text: 'What is this?' },
          ],
        },
      ],
    });
    expect(upstream.last().body.messages).toEqual([
      { role: 'user', content: [{ image: { format: 'jpeg', source: { bytes: '/9j/4AAQ' } } }, { text: 'What is this?' }] },
    ]);
    const link = await ask({
      messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/a.png' } }] }],
    });
    expect(link.status).toBe(400);
  });

  it('passes an error answer on with the exception named by x-amzn-errortype', async () => {
    upstream.handle((_request, res) =>
      sendJson(
        res,
        400,
        { message: 'The provided model identifier is invalid.' },
        { 'x-amzn-errortype': 'ValidationException:http://internal.amazon.com/coral/com.amazon.bedrock/' },
      ),
    );
    const response = await ask({ messages: [{ role: 'user', content: 'Hi' }] }, 'nope');
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: unknown }).error).toMatchObject({
      message: 'The provided model identifier is invalid.',
      code: 'ValidationException',
      provider: 'bedrock',
    });
  });

  it('passes ThrottlingException on as a 429, keeping a Retry-After header', async () => {
    upstream.handle((_request, res) =>
      sendJson(
        res,
        429,
        { message: 'Too many requests, please wait before trying again.' },
        { 'x-amzn-errortype': 'ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/', 'retry-after': '3' },
      ),
    );
    const response = await ask({ messages: [{ role: 'user', content: 'Hi' }] });
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('3');
    expect(((await response.json()) as { error: unknown }).error).toMatchObject({
      message: 'Too many requests, please wait before trying again.',
      code: 'ThrottlingException',
      type: 'rate_limit_error',
    });
  });

  it('refuses a model id of . or .., which would leave the model path with the connection’s credentials', async () => {
    for (const model of ['..', '.']) {
      const before = upstream.requests.length;
      const response = await ask({ messages: [{ role: 'user', content: 'Hi' }] }, model);
      expect(response.status, model).toBe(400);
      expect(((await response.json()) as { error: { param: string } }).error.param).toBe('model');
      expect(upstream.requests.length).toBe(before);
    }
  });
});

describe('Amazon Bedrock with an API key', () => {
  it('authenticates with the key as a bearer token instead of signing', async () => {
    const upstream = await startFakeUpstream((_request, res) => sendJson(res, 200, converse([{ text: 'ok' }])));
    const gateway = await startGateway({ env: { AWS_BEARER_TOKEN_BEDROCK: 'bedrock-api-key-1', BEDROCK_BASE_URL: upstream.url } });
    try {
      const response = await postJson(gateway, '/chat/completions', {
        model: `bedrock/${HAIKU}`,
        messages: [{ role: 'user', content: 'Hi' }],
      });
      expect(response.status).toBe(200);
      expect(upstream.last().headers.authorization).toBe('Bearer bedrock-api-key-1');
      expect(upstream.last().headers['x-amz-date']).toBeUndefined();
    } finally {
      await gateway.close();
      await upstream.close();
    }
  });
});
