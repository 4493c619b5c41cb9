// Flows with tools, end to end through HTTP: a template names http tools of the library, mock/tools calls them, the
// gateway calls a real HTTP tool server (in parallel), feeds the results back and returns the answer — whole and
// streamed — with every tool call in the run log, on SQLite and PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { McpToolExecutor } from '../../src/flows/tools/mcp-executor.js';
import { countTokens } from '../../src/gateway/providers/mock/tokens.js';
import { call, login } from '../helpers/api.js';
import { DIALECTS } from '../helpers/databases.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { startToolServer } from '../helpers/tool-server.js';

describe.each(DIALECTS)('flow tools on %s', (dialect) => {
  let gateway: TestGateway;
  let tools: Awaited<ReturnType<typeof startToolServer>>;
  let token: string;

  beforeAll(async () => {
    tools = await startToolServer();
    gateway = await startGateway({ dialect });
    token = await login(gateway);
    const city = {
      type: 'object',
      properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['c', 'f'] } },
      required: ['city'],
    };
    const created = await Promise.all([
      admin('POST', '/tools', {
        name: 'weather',
        type: 'http',
        parameters: city,
        url: `${tools.url}/weather/{city}`,
        headers: { Authorization: 'Bearer weather-secret' },
      }),
      admin('POST', '/tools', {
        name: 'echo',
        type: 'http',
        method: 'POST',
        parameters: { type: 'object', properties: { text: { type: 'string' } } },
        url: `${tools.url}/echo`,
      }),
      admin('POST', '/tools', { name: 'fail', type: 'http', url: `${tools.url}/fail` }),
      admin('POST', '/tools', { name: 'big', type: 'http', url: `${tools.url}/big` }),
      admin('POST', '/tools', { name: 'hang', type: 'http', url: `${tools.url}/hang`, timeoutMs: 300 }),
    ]);
    for (const answer of created) expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  });

  afterAll(async () => {
    await gateway?.close();
    await tools?.close();
  });

  const admin = (method: string, path: string, body?: unknown) => call(gateway, method, path, { auth: token, body });
  const run = (flow: string, body: Record<string, unknown>) =>
    call(gateway, 'POST', `/flows/${flow}/runs`, { auth: gateway.masterKey, body });

  async function flowWith(slug: string, main: Record<string, unknown>): Promise<void> {
    expect((await admin('POST', '/flows', { title: slug, slug })).status).toBe(201);
    const version = await admin('POST', `/flows/${slug}/versions`, { templates: { main } });
    expect(version.status, JSON.stringify(version.body)).toBe(201);
    await admin('POST', `/flows/${slug}/versions/${version.body.version}/environments`, { environment: 'production' });
  }

  it('refuses a version naming a tool the library does not have, or a toolChoice outside its tools', async () => {
    expect((await admin('POST', '/flows', { title: 'Checked', slug: 'checked' })).status).toBe(201);
    const unknown = await admin('POST', '/flows/checked/versions', {
      templates: { main: { llm: 'mock/tools', tools: ['weather', 'nope'] } },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.param).toBe('templates.main.tools.1');
    const choice = await admin('POST', '/flows/checked/versions', {
      templates: { main: { llm: 'mock/tools', tools: ['weather'], toolChoice: { name: 'echo' } } },
    });
    expect(choice.body.error.param).toBe('templates.main.toolChoice');
    const twice = await admin('POST', '/flows/checked/versions', {
      templates: { main: { llm: 'mock/tools', tools: ['weather', 'weather'] } },
    });
    expect(twice.status).toBe(400);
  });

  it('runs the loop: the tools called in parallel with their arguments and headers, the results fed back, usage summed', async () => {
    await flowWith('forecast', { userTemplate: '[[question]]', llm: 'mock/tools', tools: ['weather', 'echo'] });
    const question = JSON.stringify({ weather: { city: 'Paris Nord', unit: 'c' }, echo: { text: 'hi' } });
    const answered = await run('forecast', { parameters: { question } });
    expect(answered.status, JSON.stringify(answered.body)).toBe(200);
    const weather = JSON.stringify({ city: 'Paris Nord', temperature: 21, unit: 'c' });
    expect(answered.body.response).toBe(`${weather}\necho {"text":"hi"}`);
    const get = tools.seen.find((request) => request.url.startsWith('/weather/'));
    expect(get).toMatchObject({ method: 'GET', url: '/weather/Paris%20Nord?unit=c' });
    expect(get?.headers.authorization).toBe('Bearer weather-secret');
    expect(tools.seen.find((request) => request.url === '/echo')).toMatchObject({ method: 'POST', body: '{"text":"hi"}' });
    // Two model calls: the tool calls (names and arguments), then the answer.
    const firstCall = countTokens(`weather {"city":"Paris Nord","unit":"c"}`) + countTokens(`echo {"text":"hi"}`);
    expect(answered.body.usage.completionTokens).toBe(firstCall + countTokens(answered.body.response));
    expect(answered.body.usage.promptTokens).toBeGreaterThan(2 * countTokens(question) - 1);

    await gateway.shuttle.runtime.flowRunWriter.flush();
    const detail = await admin('GET', `/flows/forecast/runs/${answered.body.id}`);
    expect(detail.body.toolCalls).toEqual([
      expect.objectContaining({ name: 'weather', arguments: { city: 'Paris Nord', unit: 'c' }, status: 'succeeded', result: weather }),
      expect.objectContaining({ name: 'echo', arguments: { text: 'hi' }, status: 'succeeded', result: 'echo {"text":"hi"}' }),
    ]);
    expect(detail.body.toolCalls[0].latencyMs).toBeGreaterThanOrEqual(0);
    expect(JSON.stringify(detail.body)).not.toContain('weather-secret');
  });

  it('calls the URL of the run’s environment, with the placeholder URL-encoded', async () => {
    const created = await admin('POST', '/tools', {
      name: 'envy',
      type: 'http',
      parameters: { type: 'object', properties: { city: { type: 'string' } } },
      url: `${tools.url}/echo?city={city}`,
      urls: { development: `${tools.url}/weather/{city}` },
      method: 'POST',
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect((await admin('POST', '/flows', { title: 'envy', slug: 'envy' })).status).toBe(201);
    await admin('POST', '/flows/envy/versions', {
      templates: { main: { userTemplate: '[[question]]', llm: 'mock/tools', tools: ['envy'] } },
    });
    for (const environment of ['production', 'development']) {
      await admin('POST', '/flows/envy/versions/1/environments', { environment });
    }
    const question = '{"city": "a/b?c"}';
    const production = await call(gateway, 'POST', '/flows/envy/runs', { auth: token, body: { parameters: { question } } });
    expect(production.body.response).toBe('echo {}');
    expect(tools.seen.at(-1)?.url).toBe('/echo?city=a%2Fb%3Fc');
    const development = await call(gateway, 'POST', '/flows/envy/runs', {
      auth: token,
      body: { environment: 'development', parameters: { question } },
    });
    expect(development.status, JSON.stringify(development.body)).toBe(200);
    expect(tools.seen.at(-1)?.url).toBe('/weather/a%2Fb%3Fc');
    expect(JSON.parse(development.body.response)).toMatchObject({ city: 'a/b?c' });
  });

  it('gives the model errors as text: a failing endpoint, arguments that miss the schema, a cut answer, a timeout', async () => {
    await flowWith('troubles', { userTemplate: '[[question]]', llm: 'mock/tools', tools: ['fail', 'weather', 'big', 'hang'] });
    const answered = await run('troubles', { parameters: { question: '{"weather": {"unit": "k"}}' } });
    expect(answered.status, JSON.stringify(answered.body)).toBe(200);
    const lines = (answered.body.response as string).split('\n');
    expect(lines[0]).toBe("Error: the tool's endpoint answered HTTP 500: boom");
    expect(lines[1]).toMatch(/^Error: the arguments do not match the tool's schema: .*city/);
    expect(answered.body.response).toContain('[cut: the answer exceeded 1048576 bytes]');
    expect(lines.at(-1)).toBe("Error: the tool's endpoint did not answer within 300 ms");
    await gateway.shuttle.runtime.flowRunWriter.flush();
    const detail = await admin('GET', `/flows/troubles/runs/${answered.body.id}`);
    expect(detail.body.toolCalls.map((c: { status: string }) => c.status)).toEqual(['failed', 'failed', 'succeeded', 'failed']);
    expect(detail.body.toolCalls[2]).toMatchObject({ truncated: true });
    expect(detail.body.toolCalls[2].result).toHaveLength(2000);
  });

  it('stops at maxToolCalls: the calls past it are not run, and the model answers without tools', async () => {
    await flowWith('capped', { userTemplate: '[[question]]', llm: 'mock/tools', tools: ['echo', 'weather'], maxToolCalls: 1 });
    const before = tools.seen.length;
    const answered = await run('capped', { parameters: { question: '{"city": "Oslo"}' } });
    expect(answered.status).toBe(200);
    expect(tools.seen.length - before).toBe(1);
    expect(answered.body.response).toBe(
      'echo {"city":"Oslo"}\nNot run: this run reached its limit of 1 tool calls. Answer with what you have.',
    );
    await gateway.shuttle.runtime.flowRunWriter.flush();
    const detail = await admin('GET', `/flows/capped/runs/${answered.body.id}`);
    expect(detail.body.toolCalls.map((c: { status: string }) => c.status)).toEqual(['succeeded', 'skipped']);
  });

  it('keeps tool calls’ metadata only with a retention of 0 days, and clears them with the bodies after the period', async () => {
    await admin('PATCH', '/tenant', { runRetentionDays: 0 });
    const bare = await run('forecast', { parameters: { question: '{"weather": {"city": "Lyon"}, "echo": {"text": "private"}}' } });
    // The client still sees its own results as they stream: only the log keeps none.
    const streamed = await fetch(`${gateway.api}/flows/forecast/runs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gateway.masterKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ stream: true, parameters: { question: '{"echo": {"text": "live"}, "weather": {"city": "Metz"}}' } }),
    });
    expect(await streamed.text()).toContain('"object":"flow.tool_result","id":"call_0_1","name":"echo","status":"succeeded"');
    await admin('PATCH', '/tenant', { runRetentionDays: 30 });
    await gateway.shuttle.runtime.flowRunWriter.flush();
    const detail = await admin('GET', `/flows/forecast/runs/${bare.body.id}`);
    expect(detail.body.toolCalls).toEqual([
      expect.objectContaining({ name: 'weather', status: 'succeeded', arguments: null, result: null }),
      expect.objectContaining({ name: 'echo', status: 'succeeded', arguments: null, result: null }),
    ]);
    expect(JSON.stringify(detail.body)).not.toContain('private');
    const kept = await run('forecast', { parameters: { question: '{"weather": {"city": "Nice"}}' } });
    await gateway.shuttle.runtime.flowRunWriter.flush();
    expect((await admin('GET', `/flows/forecast/runs/${kept.body.id}`)).body.toolCalls[0].result).toContain('Nice');
    await gateway.shuttle.runtime.repos.flowRuns.clearBodies(gateway.tenantId, Date.now() + 1000);
    expect((await admin('GET', `/flows/forecast/runs/${kept.body.id}`)).body.toolCalls).toBeNull();
  });

  it('calls mcp tools through the executor registered for them, tells the model of an unknown server or a critique whose flow is idle, refuses virtual tools on the mock', async () => {
    const inputSchema = { type: 'object', properties: { q: { type: 'string' } } };
    await admin('POST', '/tools', { name: 'docs', type: 'mcp', serverId: 'mcp_docs', toolName: 'search', inputSchema });
    await admin('POST', '/tools', { name: 'web', type: 'virtual', providerTool: 'web_search' });
    // A virtual tool is passed to providers with web search only (virtual-tools.test.ts): the mock has none.
    await flowWith('searching', { userTemplate: 'news?', llm: 'mock/tools', tools: ['web'] });
    const virtual = await run('searching', { parameters: {} });
    expect(virtual.status).toBe(400);
    expect(virtual.body.error).toMatchObject({ param: 'tools' });
    expect(virtual.body.error.message).toContain('offers no web search');
    await admin('POST', '/flows', { title: 'critic', slug: 'critic' });
    await admin('POST', '/tools', { name: 'polish', type: 'critique', producerFlow: 'critic', criticFlow: 'critic' });
    await flowWith('researching', { userTemplate: '[[question]]', llm: 'mock/tools', tools: ['docs', 'polish'] });
    const before = await run('researching', { parameters: { question: '{"q": "shuttle"}' } });
    expect(before.body.response).toBe(
      'Error: No MCP server mcp_docs.\nError: No version of "critic" is active in production; activate one or name a version.',
    );
    const calls: unknown[] = [];
    gateway.shuttle.runtime.toolExecutors.register(
      'mcp',
      new McpToolExecutor({
        callTool: async (tenantId, serverId, toolName, args) => {
          calls.push({ tenantId, serverId, toolName, args });
          return args.q === 'fail' ? { text: 'no index', isError: true } : { text: `found ${String(args.q)}`, isError: false };
        },
      }),
    );
    const after = await run('researching', { parameters: { question: '{"q": "shuttle"}' } });
    expect(after.body.response.split('\n')[0]).toBe('found shuttle');
    expect(calls).toEqual([{ tenantId: gateway.tenantId, serverId: 'mcp_docs', toolName: 'search', args: { q: 'shuttle' } }]);
    const failed = await run('researching', { parameters: { question: '{"q": "fail"}' } });
    expect(failed.body.response.split('\n')[0]).toBe('Error: no index');
  });

  it('streams the loop: the model’s chunks, flow.tool_call and flow.tool_result events, the answer, the summary', async () => {
    const response = await fetch(`${gateway.api}/flows/forecast/runs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gateway.masterKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ stream: true, parameters: { question: '{"weather": {"city": "Rome"}, "echo": {"text": "yo"}}' } }),
    });
    expect(response.status).toBe(200);
    const frames = (await response.text()).split('\n\n').filter(Boolean);
    expect(frames.at(-1)).toBe('data: [DONE]');
    const events = frames.slice(0, -1).map((frame) => JSON.parse(frame.slice(6)));
    const kinds = events.map((e) => (e.object === 'chat.completion.chunk' ? 'chunk' : e.object));
    const firstCall = kinds.indexOf('flow.tool_call');
    expect(kinds.slice(0, firstCall).every((kind) => kind === 'chunk')).toBe(true);
    expect(kinds.slice(firstCall, firstCall + 4)).toEqual(['flow.tool_call', 'flow.tool_call', 'flow.tool_result', 'flow.tool_result']);
    expect(events[firstCall]).toMatchObject({ name: 'weather', arguments: '{"city":"Rome"}' });
    expect(events[firstCall + 3]).toMatchObject({ name: 'echo', status: 'succeeded', result: 'echo {"text":"yo"}' });
    const weather = JSON.stringify({ city: 'Rome', temperature: 21, unit: null });
    expect(events.at(-1)).toMatchObject({ object: 'flow.run', response: `${weather}\necho {"text":"yo"}` });
    expect(kinds.slice(firstCall + 4, -1).every((kind) => kind === 'chunk')).toBe(true);
    // One usage chunk, the last call's; the summary has the sum.
    expect(events.filter((e) => e.object === 'chat.completion.chunk' && e.usage).length).toBe(1);
    expect(events.at(-1).usage.completionTokens).toBeGreaterThan(countTokens(events.at(-1).response));
  });

  it('refuses to delete or rename a tool that an active version names, and a version naming a deleted tool fails to run', async () => {
    const deleted = await admin('DELETE', '/tools/echo');
    expect(deleted.status).toBe(409);
    expect(deleted.body.error).toMatchObject({ code: 'tool_in_use' });
    expect(deleted.body.error.message).toContain('forecast');
    expect((await admin('PATCH', '/tools/weather', { name: 'weather2' })).body.error.code).toBe('tool_in_use');
    expect((await admin('PATCH', '/tools/weather', { description: 'still fine' })).status).toBe(200);

    // A version that is not active does not hold a tool back; running it then is a clear 400.
    await admin('POST', '/tools', { name: 'spare', type: 'http', url: `${tools.url}/echo` });
    const spare = await admin('POST', '/flows/forecast/versions', {
      templates: { main: { userTemplate: 'x', llm: 'mock/tools', tools: ['spare'] } },
    });
    expect(spare.status).toBe(201);
    expect((await admin('DELETE', '/tools/spare')).status).toBe(204);
    const orphan = await call(gateway, 'POST', '/flows/forecast/runs', {
      auth: gateway.masterKey,
      body: { version: spare.body.version, parameters: {} },
    });
    expect(orphan.status).toBe(400);
    expect(orphan.body.error.message).toBe('No tool "spare" in the tool library.');
  });
});

describe('flow tools and private networks', () => {
  it('refuses a tool URL on 127.0.0.1 without SHUTTLE_ALLOW_PRIVATE_NETWORKS, and a name rebound to it at connect time', async () => {
    const tools = await startToolServer();
    let address = '93.184.216.34';
    const gateway = await startGateway({
      env: { SHUTTLE_ALLOW_PRIVATE_NETWORKS: '' },
      resolveHost: (_host, _options, callback) => callback(null, [{ address, family: 4 }]),
    });
    try {
      const token = await login(gateway);
      const admin = (method: string, path: string, body?: unknown) => call(gateway, method, path, { auth: token, body });
      const direct = await admin('POST', '/tools', { name: 'local', type: 'http', url: `${tools.url}/echo` });
      expect(direct.status).toBe(400);
      expect(direct.body.error).toMatchObject({ code: 'private_network_refused', param: 'url' });
      const port = new URL(tools.url).port;
      expect((await admin('POST', '/tools', { name: 'rebound', type: 'http', url: `http://tools.example.test:${port}/echo` })).status).toBe(
        201,
      );
      await admin('POST', '/flows', { title: 'Rebound', slug: 'rebound' });
      await admin('POST', '/flows/rebound/versions', {
        templates: { main: { userTemplate: 'go', llm: 'mock/tools', tools: ['rebound'] } },
      });
      await admin('POST', '/flows/rebound/versions/1/environments', { environment: 'production' });
      address = '127.0.0.1';
      const answered = await call(gateway, 'POST', '/flows/rebound/runs', { auth: gateway.masterKey, body: { parameters: {} } });
      expect(answered.status).toBe(200);
      expect(answered.body.response).toMatch(/^Error: Shuttle does not let tenants reach tools\.example\.test/);
      expect(tools.seen).toEqual([]);
    } finally {
      await gateway.close();
      await tools.close();
    }
  });
});
