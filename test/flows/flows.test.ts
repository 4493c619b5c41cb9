import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { provisionTenant } from '../../src/auth/provisioning.js';
import { call, login } from '../helpers/api.js';
import { completion, type FakeHandler, type FakeUpstream, sendJson, startFakeOpenAi } from '../helpers/fake-openai.js';
import { flushUsage, startGateway, type TestGateway } from '../helpers/gateway.js';

const support = {
  main: {
    template: 'You answer for [[company]].',
    userTemplate: 'Customer asks: [[question]]',
    llm: 'mock/echo',
    temperature: 0.3,
    maxTokens: 50,
  },
  short: { template: 'Be brief about [[topic]].', llm: 'mock/echo' },
};

describe('flows', () => {
  let upstream: FakeUpstream;
  let gateway: TestGateway;
  let token: string;

  beforeAll(async () => {
    upstream = await startFakeOpenAi();
    gateway = await startGateway({ env: { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: upstream.baseUrl } });
    token = await login(gateway);
  });

  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  const admin = (method: string, path: string, body?: unknown) => call(gateway, method, path, { auth: token, body });
  const run = (flow: string, body: Record<string, unknown>, auth = gateway.masterKey, headers: Record<string, string> = {}) =>
    call(gateway, 'POST', `/flows/${flow}/runs`, { auth, body, headers });

  async function flowWith(title: string, templates: Record<string, unknown>, environments = ['production']): Promise<string> {
    const created = await admin('POST', '/flows', { title });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const version = await admin('POST', `/flows/${created.body.slug}/versions`, { templates });
    expect(version.status, JSON.stringify(version.body)).toBe(201);
    for (const environment of environments)
      await admin('POST', `/flows/${created.body.slug}/versions/${version.body.version}/environments`, { environment });
    return created.body.slug as string;
  }

  it('creates flows with slugs derived from titles, unique per tenant, addressable by id or slug', async () => {
    const first = await admin('POST', '/flows', { title: 'Support Reply!' });
    expect(first.body).toMatchObject({ slug: 'support-reply', title: 'Support Reply!', latestVersion: null, environments: {} });
    const second = await admin('POST', '/flows', { title: 'Support reply' });
    expect(second.body.slug).toBe('support-reply-2');
    expect((await admin('POST', '/flows', { title: 'X', slug: 'support-reply' })).status).toBe(409);
    expect((await admin('GET', `/flows/${first.body.id}`)).body.slug).toBe('support-reply');
    expect((await admin('PATCH', '/flows/support-reply-2', { title: 'Renamed', slug: 'renamed' })).body).toMatchObject({
      slug: 'renamed',
      title: 'Renamed',
    });
    expect((await admin('DELETE', '/flows/renamed')).status).toBe(204);
    expect((await admin('GET', '/flows/renamed')).status).toBe(404);
  });

  it('numbers versions, never changes them, and lists their parameters', async () => {
    const v1 = await admin('POST', '/flows/support-reply/versions', { templates: support, description: 'first' });
    const v2 = await admin('POST', '/flows/support-reply/versions', {
      templates: { main: { ...support.main, llm: 'openai/gpt-4o-mini' } },
    });
    expect([v1.body.version, v2.body.version]).toEqual([1, 2]);
    expect(v1.body.parameters).toEqual([
      { name: 'company', templates: ['main'] },
      { name: 'question', templates: ['main'] },
      { name: 'topic', templates: ['short'] },
    ]);
    for (const method of ['PATCH', 'PUT']) {
      const changed = await admin(method, '/flows/support-reply/versions/1', { templates: support });
      expect(changed.status).toBe(409);
      expect(changed.body.error.code).toBe('version_immutable');
    }
    expect((await admin('GET', '/flows/support-reply/versions/1')).body.templates).toEqual({
      main: { ...support.main },
      short: { template: 'Be brief about [[topic]].', llm: 'mock/echo' },
    });
    expect((await admin('GET', '/flows/support-reply/versions')).body.data.map((v: { version: number }) => v.version)).toEqual([1, 2]);
    expect((await admin('GET', '/flows/support-reply/parameters?version=1')).body).toMatchObject({
      version: 1,
      parameters: [{ name: 'company' }, { name: 'question' }, { name: 'topic' }],
    });
    expect((await admin('GET', '/flows/support-reply/parameters')).body.version).toBe(2);
    expect((await admin('POST', '/flows/support-reply/versions', { templates: { other: support.short } })).status).toBe(400);
    expect((await admin('POST', '/flows/support-reply/versions', { templates: { main: { template: 'x' } } })).body.error.param).toBe(
      'templates.main.llm',
    );
  });

  it('activates a version per environment, and a run uses the key’s environment', async () => {
    const before = await run('support-reply', { parameters: { company: 'Acme', question: 'hi' } });
    expect(before.status).toBe(409);
    expect(before.body.error.code).toBe('flow_not_active');
    expect((await admin('POST', '/flows/support-reply/versions/1/environments', { environment: 'production' })).body).toMatchObject({
      version: 1,
      previousVersion: null,
    });
    await admin('POST', '/flows/support-reply/versions/2/environments', { environment: 'development' });
    expect((await admin('GET', '/flows/support-reply')).body.environments).toEqual({ production: 1, development: 2 });
    expect((await admin('POST', '/flows/support-reply/versions/9/environments', { environment: 'production' })).status).toBe(404);
    expect((await admin('POST', '/flows/support-reply/versions/1/environments', { environment: 'nowhere' })).status).toBe(400);

    const answered = await run('support-reply', { parameters: { company: 'Acme', question: 'Where is my order?' } });
    expect(answered.status).toBe(200);
    expect(answered.body).toMatchObject({
      version: 1,
      environment: 'production',
      response: 'Customer asks: Where is my order?',
      model: 'echo',
      provider: 'mock',
    });
    expect(answered.body.id).toMatch(/^run_/);
    expect(answered.body.usage.promptTokens).toBeGreaterThan(0);
    expect(answered.body.costUsd).toBeGreaterThan(0);
    expect(answered.headers.get('x-shuttle-provider')).toBe('mock');
    expect(answered.headers.get('x-shuttle-cost-usd')).toBeTruthy();
  });

  it('fills parameters literally, once, and names every missing one', async () => {
    const literal = await run('support-reply', { parameters: { company: 'Acme', question: 'What is [[company]]?' } });
    expect(literal.body.response).toBe('Customer asks: What is [[company]]?');
    const missing = await run('support-reply', { parameters: {} });
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatchObject({ message: 'Missing parameters: company, question.', param: 'parameters' });
    const entry = await run('support-reply', {
      entrypoint: 'short',
      parameters: { topic: 'refunds' },
      messages: [{ role: 'user', content: 'and then?' }],
    });
    expect(entry.body.response).toBe('and then?');
    expect((await run('support-reply', { entrypoint: 'nope', parameters: {} })).status).toBe(404);
  });

  it('lets a logged-in member run another environment or version, but not a key', async () => {
    const dev = await call(gateway, 'POST', '/flows/support-reply/runs', {
      auth: token,
      body: { environment: 'development', parameters: { company: 'Acme', question: 'q' } },
    });
    expect(dev.status).toBe(200);
    expect(dev.body).toMatchObject({ version: 2, environment: 'development', provider: 'openai' });
    const refused = await run('support-reply', { environment: 'development', parameters: { company: 'Acme', question: 'q' } });
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toContain('production');
    const named = await run('support-reply', { version: 2, parameters: { company: 'Acme', question: 'q' } });
    expect(named.body).toMatchObject({ version: 2, environment: 'production' });
  });

  it('attributes a run to its customer and records the flow on the usage event', async () => {
    const response = await run('support-reply', {
      customerId: 'cust-flow-1',
      parameters: { company: 'Acme', question: 'q' },
      tags: ['checkout'],
    });
    expect(response.status).toBe(200);
    await flushUsage(gateway);
    const customer = await call(gateway, 'GET', '/customers/cust-flow-1', { auth: gateway.masterKey });
    expect(customer.status).toBe(200);
    const events = await gateway.shuttle.runtime.repos.usageEvents.listRecent(gateway.tenantId, 10);
    const event = events.find((e) => e.id === response.headers.get('x-request-id'));
    expect(event).toMatchObject({ endpoint: 'flows.run', customerId: customer.body.id, flowVersion: 1, status: 200 });
    expect(event?.flowId).toBe((await admin('GET', '/flows/support-reply')).body.id);
    expect(
      (await call(gateway, 'GET', '/customers/cust-flow-1/usage?groupBy=none', { auth: gateway.masterKey })).body.totals.requests,
    ).toBe(1);
  });

  it('keeps a run log with the rendered prompt, filterable and paginated', async () => {
    await flushUsage(gateway);
    await gateway.shuttle.runtime.flowRunWriter.flush();
    const page = await admin('GET', '/flows/support-reply/runs?limit=2');
    expect(page.body.data).toHaveLength(2);
    expect(page.body.nextCursor).toEqual(expect.any(String));
    const byCustomer = await admin('GET', '/flows/support-reply/runs?customer=cust-flow-1');
    expect(byCustomer.body.data).toHaveLength(1);
    expect(byCustomer.body.data[0]).toMatchObject({ customer: 'cust-flow-1', tags: ['checkout'], status: 'succeeded', version: 1 });
    const detail = await admin('GET', `/flows/support-reply/runs/${byCustomer.body.data[0].id}`);
    expect(detail.body.messages).toEqual([
      { role: 'system', content: 'You answer for Acme.' },
      { role: 'user', content: 'Customer asks: q' },
    ]);
    expect(detail.body.parameters).toEqual({ company: 'Acme', question: 'q' });
    expect(detail.body.response).toBe('Customer asks: q');
    expect(
      (await admin('GET', '/flows/support-reply/runs?environment=development')).body.data.every(
        (r: { environment: string }) => r.environment === 'development',
      ),
    ).toBe(true);
    expect((await admin('GET', '/flows/support-reply/runs?version=2')).body.data.every((r: { version: number }) => r.version === 2)).toBe(
      true,
    );
  });

  it('keeps only metadata with a retention of 0 days, and the sweep deletes old bodies', async () => {
    await admin('PATCH', '/tenant', { runRetentionDays: 0 });
    const response = await run('support-reply', { parameters: { company: 'Acme', question: 'secret question' } });
    await gateway.shuttle.runtime.flowRunWriter.flush();
    const detail = await admin('GET', `/flows/support-reply/runs/${response.body.id}`);
    expect(detail.body).toMatchObject({ status: 'succeeded', messages: null, response: null, parameters: null });
    await admin('PATCH', '/tenant', { runRetentionDays: 30 });
    const kept = await run('support-reply', { parameters: { company: 'Acme', question: 'kept' } });
    await gateway.shuttle.runtime.flowRunWriter.flush();
    const retention = new (await import('../../src/flows/run-retention.js')).RunRetention(
      gateway.shuttle.runtime.repos.tenants,
      gateway.shuttle.runtime.repos.flowRuns,
      gateway.shuttle.runtime.logger,
    );
    expect(await retention.sweep(Date.now())).toBe(0);
    expect(await retention.sweep(Date.now() + 31 * 86_400_000)).toBeGreaterThan(0);
    expect((await admin('GET', `/flows/support-reply/runs/${kept.body.id}`)).body.response).toBeNull();
  });

  it('diffs two environments and promotes one to the other in one go', async () => {
    await flowWith('Greeter', { main: { template: 'Hi', llm: 'mock/echo' } }, ['development']);
    const diff = await admin('GET', '/environments/diff?from=development&to=production');
    const bySlug = Object.fromEntries(
      diff.body.data.map((d: { slug: string; from: number; to: number | null }) => [d.slug, [d.from, d.to]]),
    );
    expect(bySlug).toMatchObject({ 'support-reply': [2, 1], greeter: [1, null] });
    const promoted = await admin('POST', '/environments/promote', { from: 'development', to: 'production', flows: ['greeter'] });
    expect(promoted.body.data).toEqual([expect.objectContaining({ slug: 'greeter', from: 1, to: null })]);
    expect((await admin('GET', '/flows/greeter')).body.environments).toEqual({ development: 1, production: 1 });
    expect((await admin('GET', '/flows/support-reply')).body.environments.production).toBe(1);
    await admin('POST', '/environments/promote', { from: 'development', to: 'production' });
    expect((await admin('GET', '/environments/diff?from=development&to=production')).body.data).toEqual([]);
    expect((await admin('POST', '/environments/promote', { from: 'development', to: 'production', flows: ['ghost'] })).status).toBe(404);
    const actions = (await admin('GET', '/audit-log?limit=200')).body.data.map((e: { action: string }) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['flow.created', 'flow.version_created', 'flow.activated', 'environments.promoted']));
  });

  it('keeps flows per tenant: another tenant’s flow is a 404', async () => {
    const other = await provisionTenant(gateway.shuttle.runtime.db, {
      tenantName: 'Other',
      email: 'flows-other@x.test',
      password: 'other password',
    });
    expect((await call(gateway, 'GET', '/flows/greeter', { auth: other.masterKey })).status).toBe(404);
    expect((await run('greeter', { parameters: {} }, other.masterKey)).status).toBe(404);
    expect((await call(gateway, 'GET', '/flows', { auth: other.masterKey })).body.data).toEqual([]);
  });

  describe('structured output', () => {
    const schema = {
      type: 'object',
      properties: { sentiment: { enum: ['positive', 'negative'] } },
      required: ['sentiment'],
      additionalProperties: false,
    };
    let answers: string[] = [];
    const scripted: FakeHandler = (request, res) =>
      sendJson(res, 200, completion(answers.shift() ?? 'nothing', { model: String(request.body.model) }));

    beforeEach(() => {
      upstream.handle(scripted);
      upstream.requests.length = 0;
    });

    const classify = () => run('classify', { parameters: { text: 'I love it' } });

    it('asks for JSON matching the schema and answers the parsed value', async () => {
      await flowWith('Classify', { main: { template: 'Classify [[text]]', llm: 'openai/gpt-4o-mini', responseSchema: schema } });
      answers = ['```json\n{"sentiment": "positive"}\n```'];
      const response = await classify();
      expect(response.body.response).toEqual({ sentiment: 'positive' });
      expect(upstream.requests[0]?.body.response_format).toEqual({ type: 'json_schema', json_schema: { name: 'response', schema } });
    });

    it('retries an invalid answer once, telling the model what was wrong', async () => {
      answers = ['{"sentiment": "meh"}', '{"sentiment": "negative"}'];
      const response = await classify();
      expect(response.status).toBe(200);
      expect(response.body.response).toEqual({ sentiment: 'negative' });
      expect(upstream.requests).toHaveLength(2);
      const retryMessages = upstream.requests[1]?.body.messages as Array<{ role: string; content: string }>;
      expect(retryMessages.at(-2)).toEqual({ role: 'assistant', content: '{"sentiment": "meh"}' });
      expect(retryMessages.at(-1)?.content).toContain('/sentiment must be equal to one of the allowed values');
      expect(response.body.usage.promptTokens).toBe(2000);
    });

    it('fails with 502 invalid_structured_output when the retry is invalid too', async () => {
      answers = ['not json', '{"mood": 1}'];
      const response = await classify();
      expect(response.status).toBe(502);
      expect(response.body.error.code).toBe('invalid_structured_output');
      expect(upstream.requests).toHaveLength(2);
      await gateway.shuttle.runtime.flowRunWriter.flush();
      const failed = await admin('GET', '/flows/classify/runs?status=failed');
      expect(failed.body.data[0]).toMatchObject({ status: 'failed', httpStatus: 502, error: { code: 'invalid_structured_output' } });
    });

    it('refuses a response schema that is not a JSON Schema', async () => {
      const bad = await admin('POST', '/flows/classify/versions', {
        templates: { main: { llm: 'mock/echo', responseSchema: { type: 'wibble' } } },
      });
      expect(bad.status).toBe(400);
      expect(bad.body.error.param).toBe('templates.main.responseSchema');
    });
  });

  it('streams a run as SSE, ending with the run’s summary', async () => {
    const response = await fetch(`${gateway.api}/flows/support-reply/runs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gateway.masterKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ stream: true, version: 1, parameters: { company: 'Acme', question: 'stream this please' } }),
    });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const events = (await response.text()).split('\n\n').filter(Boolean);
    expect(events.at(-1)).toBe('data: [DONE]');
    const final = JSON.parse((events.at(-2) as string).slice(6));
    expect(final).toMatchObject({ object: 'flow.run', response: 'Customer asks: stream this please', version: 1 });
    expect(final.usage.completionTokens).toBe(6);
    expect(events.some((e) => e.includes('"content":" please"'))).toBe(true);
  });

  it('runs through a routing alias that falls back, and through the template’s own fallbacks', async () => {
    upstream.handle((_request, res) => sendJson(res, 503, { error: { message: 'overloaded', type: 'server_error' } }));
    await admin('PUT', '/routing-rules/careful', {
      environment: 'production',
      targets: [
        { provider: 'openai', model: 'gpt-4o' },
        { provider: 'mock', model: 'echo' },
      ],
    });
    await flowWith('Careful', { main: { userTemplate: 'Say [[word]]', llm: 'careful' } });
    const viaAlias = await run('careful', { parameters: { word: 'hello' } });
    expect(viaAlias.body).toMatchObject({ response: 'Say hello', provider: 'mock' });
    expect(viaAlias.headers.get('x-shuttle-attempts')).toBe('2');

    await flowWith('Fallbacks', {
      main: { userTemplate: 'Say [[word]]', llm: 'openai/gpt-4o', fallbacks: ['openai/gpt-4o-mini', 'mock/echo'] },
    });
    const viaFallbacks = await run('fallbacks', { parameters: { word: 'again' } });
    expect(viaFallbacks.body).toMatchObject({ response: 'Say again', provider: 'mock' });
    expect(viaFallbacks.headers.get('x-shuttle-attempts')).toBe('3');
  });
});
