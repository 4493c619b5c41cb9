// The request log through HTTP on SQLite and PostgreSQL: an entry per endpoint with its request and answer (a stream
// reassembled), attempts, tags, truncation, filters, search and cursor, tenant isolation, levels and retention.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provisionTenant } from '../../src/auth/provisioning.js';
import { call, login } from '../helpers/api.js';
import { DIALECTS } from '../helpers/databases.js';
import { chunk, type FakeUpstream, sendEvent, startFakeOpenAi, startSse, usageChunk } from '../helpers/fake-openai.js';
import { flushUsage, postJson, startGateway, type TestGateway } from '../helpers/gateway.js';

/** Waits until every entry so far is in the database. */
async function flushLog(gateway: TestGateway): Promise<void> {
  await flushUsage(gateway);
  const writer = gateway.shuttle.runtime.requestLogWriter;
  await writer.flush();
  while (writer.depth > 0) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    await writer.flush();
  }
}

describe.each(DIALECTS)('the request log on %s', (dialect) => {
  let upstream: FakeUpstream;
  let gateway: TestGateway;
  let token: string;
  let otherKey: string;

  beforeAll(async () => {
    upstream = await startFakeOpenAi();
    gateway = await startGateway({
      dialect,
      env: { OPENAI_API_KEY: 'sk-upstream-secret', OPENAI_BASE_URL: upstream.baseUrl, SHUTTLE_REQUEST_LOG_MAX_BODY_BYTES: '4096' },
    });
    token = await login(gateway);
    const other = await provisionTenant(gateway.shuttle.runtime.db, {
      tenantName: 'Other',
      email: 'other@x.test',
      password: 'other password',
    });
    otherKey = other.masterKey;
  });

  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  const get = (path: string, auth = gateway.masterKey) => call(gateway, 'GET', path, { auth });

  it('logs a chat completion with its request, answer, usage and attempt; members and keys read it', async () => {
    const body = {
      model: 'openai/gpt-4o-mini',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'What is a zebra?' },
      ],
    };
    const response = await postJson(gateway, '/chat/completions', body, { 'x-shuttle-metadata': '{"feature":"faq"}' });
    expect(response.status).toBe(200);
    const id = response.headers.get('x-request-id') as string;
    const answer = await response.json();
    await flushLog(gateway);

    const list = await get('/requests');
    expect(list.status).toBe(200);
    expect(list.body.data[0]).toMatchObject({
      id,
      endpoint: 'chat.completions',
      requestedModel: 'openai/gpt-4o-mini',
      provider: 'openai',
      status: 200,
      promptTokens: 1000,
      completionTokens: 500,
      streamed: false,
      attemptCount: 1,
      level: 'full',
      preview: 'What is a zebra?',
    });
    const entry = await get(`/requests/${id}`, token);
    expect(entry.status).toBe(200);
    expect(entry.body.request).toEqual({ body, truncated: false, bytes: JSON.stringify(body).length });
    expect(entry.body.response.body).toEqual(answer);
    expect(entry.body.metadata).toEqual({ feature: 'faq' });
    expect(entry.body.attempts).toEqual([
      expect.objectContaining({ provider: 'openai', model: 'gpt-4o-mini', status: 200, errorCode: null }),
    ]);
    expect(JSON.stringify(entry.body)).not.toContain('sk-upstream-secret');
    expect(JSON.stringify(entry.body)).not.toContain(gateway.masterKey);
  });

  it('reassembles a streamed chat with tool calls into the chat.completion it adds up to', async () => {
    upstream.handle((_request, res) => {
      startSse(res);
      sendEvent(
        res,
        chunk({
          role: 'assistant',
          content: null,
          tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '' } }],
        }),
      );
      sendEvent(res, chunk({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }));
      sendEvent(res, chunk({ tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] }));
      sendEvent(res, chunk({}, 'tool_calls'));
      sendEvent(res, usageChunk(30, 7));
      res.end('data: [DONE]\n\n');
    });
    try {
      const response = await postJson(gateway, '/chat/completions', {
        model: 'openai/gpt-4o-mini',
        stream: true,
        messages: [{ role: 'user', content: 'Weather in Paris?' }],
        tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }],
      });
      await response.text();
      const id = response.headers.get('x-request-id') as string;
      await flushLog(gateway);
      const entry = await get(`/requests/${id}`);
      expect(entry.body).toMatchObject({ streamed: true, promptTokens: 30, completionTokens: 7 });
      expect(entry.body.response.body).toMatchObject({
        object: 'chat.completion',
        model: 'gpt-4o-mini-2024-07-18',
        choices: [
          {
            index: 0,
            finish_reason: 'tool_calls',
            message: {
              role: 'assistant',
              tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
            },
          },
        ],
        usage: { prompt_tokens: 30, completion_tokens: 7 },
      });
    } finally {
      upstream.handle((await import('../helpers/fake-openai.js')).defaultHandler);
    }
  });

  it('never shows another tenant’s entries: not in its list, 404 request_not_found by id', async () => {
    const response = await postJson(gateway, '/chat/completions', {
      model: 'mock/echo',
      messages: [{ role: 'user', content: 'mine only' }],
    });
    const id = response.headers.get('x-request-id') as string;
    await flushLog(gateway);
    const other = await get(`/requests/${id}`, otherKey);
    expect(other.status).toBe(404);
    expect(other.body.error.code).toBe('request_not_found');
    expect((await get('/requests', otherKey)).body.data).toEqual([]);
    expect((await get('/requests/req_unknown')).status).toBe(404);
  });
});
