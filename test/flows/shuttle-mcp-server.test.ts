import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provisionTenant } from '../../src/auth/provisioning.js';
import { addMember, call, login } from '../helpers/api.js';
import { DIALECTS, type TestDialect } from '../helpers/databases.js';
import { flushUsage, startGateway, type TestGateway } from '../helpers/gateway.js';

const TEMPLATES = { main: { template: 'You answer for [[company]].', userTemplate: 'Say [[word]]', llm: 'mock/echo' } };

interface ToolAnswer {
  isError: boolean;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: answers are inspected with expect()
  json: any;
}

/** An agent connected to Shuttle's MCP server with the SDK's client, as `credential`. */
async function agent(gateway: TestGateway, credential: string | undefined) {
  const client = new Client({ name: 'test-agent', version: '1.0.0' });
  const headers: Record<string, string> = credential === undefined ? {} : { Authorization: `Bearer ${credential}` };
  await client.connect(new StreamableHTTPClientTransport(new URL(`${gateway.url}/api/mcp`), { requestInit: { headers } }));
  return {
    client,
    async call(name: string, args: Record<string, unknown> = {}): Promise<ToolAnswer> {
      const result = await client.callTool({ name, arguments: args });
      const text = (result.content as Array<{ type: string; text: string }>).map((c) => c.text).join('\n');
      const isError = result.isError === true;
      return { isError, text, json: isError ? null : JSON.parse(text) };
    },
  };
}

describe.each(DIALECTS)('Shuttle as an MCP server, on %s', (dialect: TestDialect) => {
  let gateway: TestGateway;
  let owner: Awaited<ReturnType<typeof agent>>;
  const clients: Client[] = [];

  beforeAll(async () => {
    gateway = await startGateway({ dialect });
    owner = await agent(gateway, await login(gateway));
    clients.push(owner.client);
  });

  afterAll(async () => {
    for (const client of clients) await client.close();
    await gateway?.close();
  });

  it('lists its flow tools to an agent speaking MCP', async () => {
    const { tools } = await owner.client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([
      'activate_version',
      'create_flow',
      'create_tool',
      'create_version',
      'get_flow',
      'list_flows',
      'list_tools',
      'run_flow',
    ]);
    const run = tools.find((t) => t.name === 'run_flow');
    expect(run?.inputSchema).toMatchObject({ type: 'object', required: expect.arrayContaining(['flow']) });
  });

  it('creates, versions, activates and runs a flow, metered and logged like an HTTP run', async () => {
    const created = await owner.call('create_flow', { title: 'Greeter', templates: TEMPLATES });
    expect(created.isError).toBe(false);
    expect(created.json.flow).toMatchObject({ slug: 'greeter', latestVersion: 1 });
    expect(created.json.version).toMatchObject({ version: 1, parameters: [{ name: 'company' }, { name: 'word' }] });

    const updated = await owner.call('create_version', {
      flow: 'greeter',
      templates: { main: { ...TEMPLATES.main, userTemplate: 'Please say [[word]]' } },
      description: 'politer',
    });
    expect(updated.json).toMatchObject({ version: 2, description: 'politer' });

    const notActive = await owner.call('run_flow', { flow: 'greeter', parameters: { company: 'Acme', word: 'hi' } });
    expect(notActive.isError).toBe(true);
    expect(notActive.text).toContain('flow_not_active');

    const activated = await owner.call('activate_version', { flow: 'greeter', version: 2, environment: 'production' });
    expect(activated.json).toMatchObject({ version: 2, previousVersion: null, environment: 'production' });

    const ran = await owner.call('run_flow', { flow: 'greeter', parameters: { company: 'Acme', word: 'hi' }, customerId: 'mcp-customer' });
    expect(ran.isError).toBe(false);
    expect(ran.json).toMatchObject({ version: 2, environment: 'production', response: 'Please say hi', model: expect.any(String) });

    const refused = await owner.call('create_flow', {
      title: 'Broken',
      templates: { main: { ...TEMPLATES.main, responseSchema: { type: 'no-such-type' } } },
    });
    expect(refused.isError).toBe(true);
    expect(refused.text).toContain('invalid_request (HTTP 400)');

    const listed = await owner.call('list_flows');
    expect(listed.json.flows).toEqual([expect.objectContaining({ slug: 'greeter', latestVersion: 2, environments: { production: 2 } })]);
    const got = await owner.call('get_flow', { flow: 'greeter', version: 1 });
    expect(got.json.version.templates).toEqual({ main: { ...TEMPLATES.main } });

    await flushUsage(gateway);
    await gateway.shuttle.runtime.flowRunWriter.flush();
    const events = await gateway.shuttle.runtime.repos.usageEvents.listRecent(gateway.tenantId, 20);
    const runEvents = events.filter((e) => e.endpoint === 'flows.run');
    expect(
      runEvents.map((e) => ({ status: e.status, flowVersion: e.flowVersion, errorCode: e.errorCode })).sort((a, b) => a.status - b.status),
    ).toEqual([
      { status: 200, flowVersion: 2, errorCode: null },
      { status: 409, flowVersion: null, errorCode: 'flow_not_active' },
    ]);
    expect(events.filter((e) => e.endpoint !== 'flows.run')).toEqual([]);
    const customer = await call(gateway, 'GET', '/customers/mcp-customer', { auth: gateway.masterKey });
    expect(runEvents.find((e) => e.status === 200)?.customerId).toBe(customer.body.id);
    const runs = await call(gateway, 'GET', '/flows/greeter/runs', { auth: gateway.masterKey });
    expect(runs.body.data).toEqual([expect.objectContaining({ id: ran.json.id, status: 'succeeded', version: 2, tags: ['mcp'] })]);
  });

  it('gives API keys and each role what the HTTP routes give them', async () => {
    await owner.call('create_flow', { title: 'Roles', templates: TEMPLATES });
    await owner.call('activate_version', { flow: 'roles', version: 1 });
    const run = { flow: 'roles', parameters: { company: 'Acme', word: 'yo' } };

    const key = await agent(gateway, gateway.masterKey);
    clients.push(key.client);
    expect((await key.call('list_flows')).isError).toBe(false);
    expect((await key.call('get_flow', { flow: 'roles' })).json.flow.slug).toBe('roles');
    expect((await key.call('run_flow', run)).json.response).toBe('Say yo');
    const keyCreates = await key.call('create_flow', { title: 'By key' });
    expect(keyCreates.isError).toBe(true);
    expect(keyCreates.text).toContain('permission_denied');
    expect((await key.call('activate_version', { flow: 'roles', version: 1 })).isError).toBe(true);

    const ownerToken = await login(gateway);
    const member = await agent(gateway, (await addMember(gateway, ownerToken, `m-${dialect}@acme.test`, 'member')).token);
    const viewer = await agent(gateway, (await addMember(gateway, ownerToken, `v-${dialect}@acme.test`, 'viewer')).token);
    clients.push(member.client, viewer.client);
    expect((await member.call('run_flow', run)).isError).toBe(false);
    const memberVersions = await member.call('create_version', { flow: 'roles', templates: TEMPLATES });
    expect(memberVersions.isError).toBe(true);
    expect(memberVersions.text).toContain('admin role');
    expect((await viewer.call('list_flows')).isError).toBe(false);
    const viewerRuns = await viewer.call('run_flow', run);
    expect(viewerRuns.isError).toBe(true);
    expect(viewerRuns.text).toContain('member role');
    expect((await owner.call('list_flows')).json.flows.map((f: { slug: string }) => f.slug)).not.toContain('by-key');
  });

  it('lists and creates library tools with the roles of /api/v1/tools', async () => {
    const weather = {
      name: 'mcp_weather',
      description: 'The weather in a city',
      type: 'http',
      url: 'http://127.0.0.1:9/weather/{city}',
      parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
      headers: { Authorization: 'Bearer tool-secret' },
    };
    const created = await owner.call('create_tool', { tool: weather });
    expect(created.isError, created.text).toBe(false);
    expect(created.json).toMatchObject({ name: 'mcp_weather', type: 'http', headers: ['Authorization'], url: weather.url });
    expect(created.text).not.toContain('tool-secret');
    const http = await call(gateway, 'GET', '/tools/mcp_weather', { auth: gateway.masterKey });
    expect(http.body.id).toBe(created.json.id);

    const taken = await owner.call('create_tool', { tool: weather });
    expect(taken.isError).toBe(true);
    expect(taken.text).toContain('tool_name_taken');
    const invalid = await owner.call('create_tool', { tool: { ...weather, name: 'bad_placeholder', url: 'http://127.0.0.1:9/{nope}' } });
    expect(invalid.isError).toBe(true);
    expect(invalid.text).toContain('nope');

    const key = await agent(gateway, gateway.masterKey);
    const ownerToken = await login(gateway);
    const member = await agent(gateway, (await addMember(gateway, ownerToken, `tools-m-${dialect}@acme.test`, 'member')).token);
    clients.push(key.client, member.client);
    const listed = await key.call('list_tools');
    expect(listed.json.tools.map((t: { name: string }) => t.name)).toContain('mcp_weather');
    expect(listed.text).not.toContain('tool-secret');
    expect((await member.call('list_tools')).isError).toBe(false);
    const byKey = await key.call('create_tool', { tool: { ...weather, name: 'by_key' } });
    expect(byKey.isError).toBe(true);
    expect(byKey.text).toContain('permission_denied');
    const byMember = await member.call('create_tool', { tool: { ...weather, name: 'by_member' } });
    expect(byMember.isError).toBe(true);
    expect(byMember.text).toContain('admin role');
    expect((await call(gateway, 'GET', '/tools/by_member', { auth: gateway.masterKey })).status).toBe(404);

    const audit = await call(gateway, 'GET', '/audit-log?limit=20', { auth: ownerToken });
    expect(audit.body.data.map((e: { action: string; target: { id: string } }) => [e.action, e.target.id])).toContainEqual([
      'tool.created',
      created.json.id,
    ]);
  });

  it('keeps each tenant to its own flows', async () => {
    await owner.call('create_flow', { title: 'Secret recipe', templates: TEMPLATES });
    const globex = await provisionTenant(gateway.shuttle.runtime.db, {
      tenantName: 'Globex',
      email: `owner-${dialect}@globex.test`,
      password: 'another horse battery',
    });
    const other = await agent(gateway, globex.masterKey);
    clients.push(other.client);
    expect((await other.call('list_flows')).json.flows).toEqual([]);
    const peek = await other.call('get_flow', { flow: 'secret-recipe' });
    expect(peek.isError).toBe(true);
    expect(peek.text).toContain('not_found');
    expect((await other.call('run_flow', { flow: 'secret-recipe', parameters: {} })).text).toContain('not_found');
  });

  it('refuses an agent without credentials, and answers GET in the OpenAI error shape', async () => {
    const refused = await agent(gateway, undefined).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(StreamableHTTPError);
    expect((refused as StreamableHTTPError).code).toBe(401);
    const wrong = await agent(gateway, 'ps_not_a_real_key').catch((error: unknown) => error);
    expect((wrong as StreamableHTTPError).code).toBe(401);

    // The transport writes the answer itself, with the headers every answer carries.
    const initialize = await fetch(`${gateway.url}/api/mcp`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${gateway.masterKey}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'curl', version: '1' } },
      }),
    });
    expect(initialize.status).toBe(200);
    expect(initialize.headers.get('x-content-type-options')).toBe('nosniff');
    expect(initialize.headers.get('x-request-id')).toMatch(/./);
    expect(((await initialize.json()) as { result: { serverInfo: unknown } }).result.serverInfo).toMatchObject({ name: 'shuttle' });

    const get = await fetch(`${gateway.url}/api/mcp`, { headers: { authorization: `Bearer ${gateway.masterKey}` } });
    expect(get.status).toBe(405);
    expect(((await get.json()) as { error: unknown }).error).toMatchObject({ code: 'method_not_allowed', type: 'invalid_request_error' });
  });
});
