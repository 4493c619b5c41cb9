// The request log through HTTP on SQLite and PostgreSQL: an entry per endpoint with its request and answer (a stream
// reassembled), attempts, tags, truncation, filters, search and cursor, tenant isolation, levels and retention.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provisionTenant } from '../../src/auth/provisioning.js';
import { call, login } from '../helpers/api.js';
import { DIALECTS } from '../helpers/databases.js';
import {
  chunk,
  defaultHandler,
  type FakeUpstream,
  sendEvent,
  sendJson,
  startFakeOpenAi,
  startSse,
  usageChunk,
} from '../helpers/fake-openai.js';
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
      // Stored as streamed, reassembled as read: its size is the answer's.
      const logged = entry.body.response;
      expect(logged).toMatchObject({ truncated: false, bytes: Buffer.byteLength(JSON.stringify(logged.body)) });
      // The tool's arguments came in two pieces; search finds them whole.
      const found = await get('/requests?q=Paris');
      expect(found.body.data.map((summary: { id: string }) => summary.id)).toContain(id);
    } finally {
      upstream.handle(defaultHandler);
    }
  });

  it('logs embeddings, responses (plain and streamed), messages (streamed) and flow runs, each in its own dialect', async () => {
    const ids: Record<string, string> = {};
    const embed = await postJson(gateway, '/embeddings', { model: 'mock/embed', input: 'embed this sentence' });
    ids.embeddings = embed.headers.get('x-request-id') as string;
    const embedded = await embed.json();

    const responded = await postJson(gateway, '/responses', { model: 'mock/echo', input: 'Responses plain question', store: false });
    ids.responses = responded.headers.get('x-request-id') as string;
    const response = await responded.json();

    const streamedResponse = await postJson(gateway, '/responses', {
      model: 'openai/gpt-4o-mini',
      input: 'Responses streamed question',
      stream: true,
      store: false,
    });
    await streamedResponse.text();
    ids.responsesStream = streamedResponse.headers.get('x-request-id') as string;

    const messages = await postJson(gateway, '/messages', {
      model: 'openai/gpt-4o-mini',
      max_tokens: 50,
      stream: true,
      messages: [{ role: 'user', content: 'Messages streamed question' }],
    });
    await messages.text();
    ids.messages = messages.headers.get('x-request-id') as string;

    const admin = (method: string, path: string, body?: unknown) => call(gateway, method, path, { auth: token, body });
    const flow = await admin('POST', '/flows', { title: 'Logged flow' });
    const version = await admin('POST', `/flows/${flow.body.slug}/versions`, {
      templates: { main: { template: 'You answer for [[company]].', userTemplate: 'Q: [[question]]', llm: 'mock/echo' } },
    });
    await admin('POST', `/flows/${flow.body.slug}/versions/${version.body.version}/environments`, { environment: 'production' });
    const ran = await postJson(gateway, `/flows/${flow.body.slug}/runs`, { parameters: { company: 'Acme', question: 'flow question' } });
    expect(ran.status).toBe(200);
    ids.flow = ran.headers.get('x-request-id') as string;
    const runAnswer = await ran.json();
    await flushLog(gateway);

    const entry = async (id: string) => (await get(`/requests/${id}`)).body;
    expect(await entry(ids.embeddings as string)).toMatchObject({
      endpoint: 'embeddings',
      preview: 'embed this sentence',
      response: { body: embedded, truncated: false },
    });
    expect(await entry(ids.responses as string)).toMatchObject({
      endpoint: 'responses',
      preview: 'Responses plain question',
      response: { body: response },
    });
    const streamed = await entry(ids.responsesStream as string);
    expect(streamed).toMatchObject({
      endpoint: 'responses',
      streamed: true,
      response: { body: { object: 'response', status: 'completed' } },
    });
    expect(streamed.response.body.output[0].content[0].text).toBe('Hello there');
    expect(await entry(ids.messages as string)).toMatchObject({
      endpoint: 'messages',
      streamed: true,
      preview: 'Messages streamed question',
      response: { body: { type: 'message', role: 'assistant', content: [{ type: 'text', text: 'Hello there' }] } },
    });
    const flowEntry = await entry(ids.flow as string);
    expect(flowEntry).toMatchObject({ endpoint: 'flows.run', flowId: flow.body.id, flowVersion: 1, response: { body: runAnswer } });
    expect(flowEntry.preview).toContain('flow question');
  });

  it('records every attempt when routing falls back from a failing target', async () => {
    const failing = await startFakeOpenAi((_request, res) =>
      sendJson(res, 503, { error: { message: 'overloaded', type: 'server_error' } }),
    );
    try {
      await call(gateway, 'POST', '/providers', {
        auth: token,
        body: { name: 'flaky', type: 'openai', baseUrl: failing.baseUrl, apiKey: 'sk-flaky-secret', environment: 'production' },
      });
      const saved = await call(gateway, 'PUT', '/routing-rules/resilient', {
        auth: token,
        body: {
          environment: 'production',
          targets: [
            { provider: 'flaky', model: 'flaky-model' },
            { provider: 'openai', model: 'gpt-4o-mini' },
          ],
        },
      });
      expect(saved.status, JSON.stringify(saved.body)).toBe(201);
      const response = await postJson(gateway, '/chat/completions', {
        model: 'resilient',
        messages: [{ role: 'user', content: 'fall back' }],
      });
      expect(response.status).toBe(200);
      const id = response.headers.get('x-request-id') as string;
      await flushLog(gateway);
      const entry = (await get(`/requests/${id}`)).body;
      expect(entry).toMatchObject({ requestedModel: 'resilient', provider: 'openai', attemptCount: 2 });
      expect(entry.attempts).toEqual([
        expect.objectContaining({
          provider: 'flaky',
          model: 'flaky-model',
          status: 503,
          errorMessage: expect.stringContaining('overloaded'),
        }),
        expect.objectContaining({ provider: 'openai', model: 'gpt-4o-mini', status: 200, errorCode: null }),
      ]);
      expect(JSON.stringify(entry)).not.toContain('sk-flaky-secret');
    } finally {
      await failing.close();
    }
  });

  it('truncates a body past the cap and says so, keeping its start and its size', async () => {
    const long = 'lorem ipsum '.repeat(1000);
    const response = await postJson(gateway, '/chat/completions', { model: 'mock/echo', messages: [{ role: 'user', content: long }] });
    const id = response.headers.get('x-request-id') as string;
    await flushLog(gateway);
    const entry = (await get(`/requests/${id}`)).body;
    expect(entry.request.truncated).toBe(true);
    expect(entry.request.bytes).toBeGreaterThan(12_000);
    expect(typeof entry.request.body).toBe('string');
    expect(Buffer.byteLength(entry.request.body)).toBeLessThanOrEqual(4096);
    expect(entry.request.body.startsWith('{"model":"mock/echo"')).toBe(true);
    expect(entry.response.truncated).toBe(true);
  });

  it('filters by model, status, customer, key and endpoint, finds words in prompts and answers, and pages with a cursor', async () => {
    const ask = (content: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
      postJson(gateway, '/chat/completions', { model: 'mock/echo', messages: [{ role: 'user', content }], ...extra }, headers);
    const asked: string[] = [];
    for (const word of ['aardvark', 'bison', 'capybara']) {
      const response = await ask(`tell me about the ${word}`, {}, { 'x-shuttle-customer-id': 'cust-filter' });
      asked.push(response.headers.get('x-request-id') as string);
    }
    const refused = await postJson(gateway, '/chat/completions', { model: 'mock/nope', messages: [{ role: 'user', content: 'x' }] });
    expect(refused.status).toBe(404);
    const refusedId = refused.headers.get('x-request-id');
    await flushLog(gateway);

    const ids = async (query: string) => ((await get(`/requests?${query}`)).body.data as Array<{ id: string }>).map((entry) => entry.id);
    expect(await ids('customer=cust-filter')).toEqual([...asked].reverse());
    expect(await ids('q=capybara')).toEqual([asked[2]]);
    // The echo answers with the prompt: words of answers are found too, and every word must match.
    expect(await ids('q=bison%20about&customer=cust-filter')).toEqual([asked[1]]);
    expect(await ids('q=bison%20zebra')).toEqual([]);
    expect(await ids('status=error')).toContain(refusedId);
    expect(await ids('status=404')).toEqual([refusedId]);
    expect(await ids('status=success&customer=cust-filter')).toHaveLength(3);
    expect(await ids('model=mock/echo&endpoint=chat.completions&customer=cust-filter')).toHaveLength(3);
    expect(await ids('endpoint=embeddings&customer=cust-filter')).toEqual([]);
    const keys = await call(gateway, 'GET', '/keys', { auth: token });
    const master = (keys.body.data as Array<{ id: string; kind: string }>).find((key) => key.kind === 'master');
    expect(await ids(`key=${master?.id}&customer=cust-filter`)).toHaveLength(3);
    expect(await ids('key=key_none')).toEqual([]);
    expect(await ids('from=2000-01-01&to=2000-01-02')).toEqual([]);

    const first = await get('/requests?customer=cust-filter&limit=2');
    expect(first.body.data.map((entry: { id: string }) => entry.id)).toEqual([asked[2], asked[1]]);
    const second = await get(`/requests?customer=cust-filter&limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`);
    expect(second.body).toEqual({ data: [expect.objectContaining({ id: asked[0], customerId: 'cust-filter' })], nextCursor: null });
    expect((await get('/requests?cursor=not-a-cursor')).status).toBe(400);
    expect((await get('/requests?limit=500')).status).toBe(400);
  });

  it('finds errors through their partial index, which successful requests never enter', async () => {
    const db = gateway.shuttle.runtime.db;
    const tenantId = 'ten_x';
    if (dialect === 'sqlite') {
      // The planner picks the errors' index for an error filter, whether by class or by code (the code's filter says >= 400 too).
      for (const status of [sql`status >= 400`, sql`status = 503 and status >= 400`]) {
        const plan = await sql<{ detail: string }>`explain query plan select id from request_log
          where tenant_id = ${tenantId} and created_at >= 0 and created_at < 10 and ${status} order by created_at desc`.execute(db);
        expect(plan.rows.map((row) => row.detail).join(' ')).toContain('request_log_errors_idx');
      }
    }
    if (dialect === 'postgres') {
      const index = await sql<{ indexdef: string }>`select indexdef from pg_indexes
        where schemaname = current_schema() and indexname = 'request_log_errors_idx'`.execute(db);
      expect(index.rows[0]?.indexdef).toMatch(/WHERE \(status >= 400\)/);
    }
  });

  it('indexes text for search: FTS5 merging 16 segments at a time (not its default 4) on SQLite, GIN on PostgreSQL', async () => {
    const db = gateway.shuttle.runtime.db;
    if (dialect === 'sqlite') {
      const config = await sql<{ v: number }>`select v from request_log_search_config where k = 'automerge'`.execute(db);
      expect(config.rows).toEqual([{ v: 16 }]);
    } else {
      const index = await sql<{ indexdef: string }>`select indexdef from pg_indexes
        where schemaname = current_schema() and indexname = 'request_log_search_idx'`.execute(db);
      expect(index.rows[0]?.indexdef).toMatch(/USING gin \(search\)/);
    }
  });

  it('searches the last user message and the answer, not the system prompt nor earlier turns', async () => {
    const response = await postJson(gateway, '/chat/completions', {
      model: 'mock/echo',
      messages: [
        { role: 'system', content: 'You are a zeppelin pilot.' },
        { role: 'user', content: 'Tell me about the quokka.' },
        { role: 'assistant', content: 'It lives in Australia.' },
        { role: 'user', content: [{ type: 'text', text: '  And   the\n\nwalrus?' }] },
      ],
    });
    const id = response.headers.get('x-request-id') as string;
    await flushLog(gateway);
    const ids = async (query: string) => ((await get(`/requests?${query}`)).body.data as Array<{ id: string }>).map((entry) => entry.id);
    expect(await ids('q=walrus')).toEqual([id]);
    expect(await ids('q=zeppelin')).toEqual([]);
    expect(await ids('q=quokka')).toEqual([]);
    expect(await ids('q=australia')).toEqual([]);
    const entry = (await get(`/requests/${id}`)).body;
    expect(entry.preview).toBe('And the walrus?');
    // The body is kept whole, every turn in it, as the client sent it.
    expect(JSON.stringify(entry.request.body)).toContain('zeppelin');
  });

  it('keeps what the tenant’s level says, lowered per request by x-shuttle-log, and deletes entries past their retention', async () => {
    const ask = (headers: Record<string, string> = {}) =>
      postJson(gateway, '/chat/completions', { model: 'mock/echo', messages: [{ role: 'user', content: 'levels' }] }, headers);
    const metadataOnly = await ask({ 'x-shuttle-log': 'metadata' });
    const notLogged = await ask({ 'x-shuttle-log': 'off' });
    await flushLog(gateway);
    const lowered = (await get(`/requests/${metadataOnly.headers.get('x-request-id')}`)).body;
    expect(lowered).toMatchObject({ level: 'metadata', request: null, response: null, preview: null, status: 200 });
    expect((await get(`/requests/${notLogged.headers.get('x-request-id')}`)).status).toBe(404);

    const patched = await call(gateway, 'PATCH', '/tenant', { auth: token, body: { requestLog: { level: 'metadata', retentionDays: 7 } } });
    expect(patched.status).toBe(200);
    expect(patched.body.requestLog).toEqual({ level: 'metadata', retentionDays: 7 });
    expect((await call(gateway, 'GET', '/tenant', { auth: token })).body.requestLog).toEqual({ level: 'metadata', retentionDays: 7 });
    const raised = await ask({ 'x-shuttle-log': 'full' });
    await flushLog(gateway);
    expect((await get(`/requests/${raised.headers.get('x-request-id')}`)).body).toMatchObject({ level: 'metadata', request: null });
    expect((await call(gateway, 'PATCH', '/tenant', { auth: token, body: { requestLog: { level: 'all' } } })).status).toBe(400);
    expect((await call(gateway, 'PATCH', '/tenant', { auth: token, body: { requestLog: { level: 'full' } } })).body.requestLog).toEqual({
      level: 'full',
      retentionDays: 7,
    });

    // Eight days on, everything so far is past the 7 days kept; another tenant's retention is its own.
    const before = (await get('/requests?limit=200')).body.data.length;
    expect(before).toBeGreaterThan(0);
    const retention = gateway.shuttle.runtime.requestLogRetention;
    const blocks = async (tenantId: string) =>
      Number(
        (
          await gateway.shuttle.runtime.db
            .selectFrom('request_log_bodies')
            .select((eb) => eb.fn.countAll().as('count'))
            .where('tenant_id', '=', tenantId)
            .executeTakeFirstOrThrow()
        ).count,
      );
    // The bodies are kept compressed in blocks, which expire with their entries.
    expect(await blocks(gateway.tenantId)).toBeGreaterThan(0);
    const inEightDays = Date.now() + 8 * 86_400_000;
    expect(await retention.sweep(inEightDays)).toBeGreaterThanOrEqual(before);
    expect(await blocks(gateway.tenantId)).toBe(0);
    expect((await get(`/requests?limit=200&to=${new Date(inEightDays).toISOString()}`)).body.data).toEqual([]);
    expect((await get('/requests?q=capybara')).body.data).toEqual([]);
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
