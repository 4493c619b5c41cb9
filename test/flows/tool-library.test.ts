// The tool library through /api/v1/tools: every type validated and stored, names unique per tenant, headers stored
// encrypted and never returned, other tenants' tools invisible, changes audit-logged — on SQLite and PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provisionTenant } from '../../src/auth/provisioning.js';
import { call, login } from '../helpers/api.js';
import { DIALECTS } from '../helpers/databases.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';

const weather = {
  name: 'weather',
  description: 'The weather in a city',
  type: 'http',
  parameters: { type: 'object', properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['c', 'f'] } }, required: ['city'] },
  url: 'https://weather.example.com/v1/{city}',
  urls: { development: 'https://dev-weather.example.com/v1/{city}' },
  method: 'GET',
  headers: { Authorization: 'Bearer s3cret-weather-token' },
};

describe.each(DIALECTS)('the tool library on %s', (dialect) => {
  let gateway: TestGateway;
  let token: string;

  beforeAll(async () => {
    // Public host names that do not resolve here pass the save-time check (the connect-time check still applies).
    gateway = await startGateway({
      dialect,
      resolveHost: (_host, _options, callback) => callback(null, [{ address: '93.184.216.34', family: 4 }]),
    });
    token = await login(gateway);
  });

  afterAll(async () => {
    await gateway?.close();
  });

  const admin = (method: string, path: string, body?: unknown) => call(gateway, method, path, { auth: token, body });

  it('stores an http tool with its headers encrypted, lists their names only, and reads it by id or name', async () => {
    const created = await admin('POST', '/tools', weather);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({
      name: 'weather',
      type: 'http',
      url: weather.url,
      urls: weather.urls,
      method: 'GET',
      timeoutMs: 10000,
      headers: ['Authorization'],
    });
    expect(created.body.id).toMatch(/^tol_/);
    expect(JSON.stringify(created.body)).not.toContain('s3cret');
    const stored = await gateway.shuttle.runtime.db.selectFrom('tools').selectAll().executeTakeFirstOrThrow();
    expect(JSON.stringify(stored)).not.toContain('s3cret');
    expect((await admin('GET', `/tools/${created.body.id}`)).body.name).toBe('weather');
    const byKey = await call(gateway, 'GET', '/tools/weather', { auth: gateway.masterKey });
    expect(byKey.status).toBe(200);
    expect(JSON.stringify(byKey.body)).not.toContain('s3cret');
    expect((await call(gateway, 'GET', '/tools', { auth: gateway.masterKey })).body.data.map((t: { name: string }) => t.name)).toEqual([
      'weather',
    ]);
    expect((await call(gateway, 'POST', '/tools', { auth: gateway.masterKey, body: { ...weather, name: 'other' } })).status).toBe(403);
  });

  it('refuses a second tool of the same name with 409, and bad definitions with 400', async () => {
    const again = await admin('POST', '/tools', weather);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('tool_name_taken');
    const bad = async (body: Record<string, unknown>, param: string) => {
      const answer = await admin('POST', '/tools', body);
      expect(answer.status, JSON.stringify(answer.body)).toBe(400);
      expect(answer.body.error.param ?? '', JSON.stringify(answer.body)).toContain(param);
    };
    await bad({ ...weather, name: 'bad schema', parameters: { type: 'object' } }, 'name');
    await bad({ ...weather, name: 'bad_schema', parameters: { type: 'object', properties: { city: { type: 'nope' } } } }, 'parameters');
    await bad({ ...weather, name: 'unknown_placeholder', url: 'https://weather.example.com/{town}' }, 'url');
    await bad({ ...weather, name: 'host_placeholder', url: 'https://{city}.example.com/' }, 'url');
    await bad({ ...weather, name: 'ftp', url: 'ftp://weather.example.com/' }, 'url');
    await bad({ name: 'agent', type: 'agent', flowId: 'no-such-flow' }, 'flowId');
    await bad({ name: 'virtual', type: 'virtual', providerTool: 'teleport' }, 'providerTool');
    await bad({ name: 'kind', type: 'telepathy' }, 'type');
    await bad({ ...weather, name: 'extra', surprise: true }, '');
    await bad({ ...weather, name: 'host_header', headers: { Host: 'internal.example' } }, 'headers');
    await bad({ ...weather, name: 'crlf', headers: { 'X-Key': 'a\r\nX-Injected: 1' } }, 'headers');
  });

  it('refuses a URL on a private network unless the operator allows it', async () => {
    const refused = await admin('POST', '/tools', { ...weather, name: 'metadata', url: 'http://169.254.169.254/latest/{city}', urls: {} });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ code: 'private_network_refused', param: 'url' });
    const internal = await admin('POST', '/tools', { ...weather, name: 'internal', urls: { development: 'http://10.1.2.3/{city}' } });
    expect(internal.body.error).toMatchObject({ code: 'private_network_refused', param: 'urls.development' });
  });

  it('stores agent, critique, virtual and mcp tools', async () => {
    expect((await admin('POST', '/flows', { title: 'Researcher' })).status).toBe(201);
    const flow = (await admin('GET', '/flows/researcher')).body;
    const agent = await admin('POST', '/tools', { name: 'research', type: 'agent', flowId: 'researcher' });
    expect(agent.body).toMatchObject({ type: 'agent', flowId: flow.id, maxDepth: 3, parameters: { type: 'object', properties: {} } });
    const critique = await admin('POST', '/tools', { name: 'polish', type: 'critique', producerFlow: 'researcher', criticFlow: flow.id });
    expect(critique.body).toMatchObject({ producerFlow: flow.id, criticFlow: flow.id, maxIterations: 3, verdict: { format: 'json' } });
    const virtual = await admin('POST', '/tools', { name: 'search', type: 'virtual', providerTool: 'web_search' });
    expect(virtual.body).toMatchObject({ providerTool: 'web_search' });
    const inputSchema = { type: 'object', properties: { q: { type: 'string' } } };
    const mcp = await admin('POST', '/tools', { name: 'docs_search', type: 'mcp', serverId: 'mcp_x', toolName: 'search', inputSchema });
    expect(mcp.status, JSON.stringify(mcp.body)).toBe(201);
    expect(mcp.body).toMatchObject({ serverId: 'mcp_x', toolName: 'search', inputSchema, parameters: inputSchema });
  });

  it('changes a tool, keeps its headers unless sent, and never moves them to another host', async () => {
    const changed = await admin('PATCH', '/tools/weather', { description: 'Weather now', timeoutMs: 2000 });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.body).toMatchObject({ description: 'Weather now', timeoutMs: 2000, headers: ['Authorization'], url: weather.url });
    const moved = await admin('PATCH', '/tools/weather', { url: 'https://elsewhere.example.net/{city}' });
    expect(moved.status).toBe(400);
    expect(moved.body.error.code).toBe('credentials_required');
    const resent = await admin('PATCH', '/tools/weather', {
      url: 'https://elsewhere.example.net/{city}',
      urls: {},
      headers: { 'X-Key': 'k2-secret-value' },
    });
    expect(resent.body).toMatchObject({ url: 'https://elsewhere.example.net/{city}', headers: ['X-Key'] });
    expect((await admin('PATCH', '/tools/weather', { type: 'agent' })).status).toBe(400);
    expect((await admin('PATCH', '/tools/weather', { name: 'research' })).status).toBe(409);
    expect((await admin('PATCH', '/tools/weather', { timeoutMs: 10 })).status).toBe(400);
  });

  it('keeps tenants apart: another tenant’s tools are 404 and its names are free', async () => {
    const other = await provisionTenant(gateway.shuttle.runtime.db, {
      tenantName: 'Other',
      email: `o-${dialect}@other.test`,
      password: 'another horse battery',
    });
    const otherToken = await login(gateway, `o-${dialect}@other.test`, 'another horse battery');
    const mine = (await admin('GET', '/tools/weather')).body;
    for (const [method, body] of [['GET'], ['PATCH', { description: 'x' }], ['DELETE']] as const) {
      expect((await call(gateway, method, `/tools/${mine.id}`, { auth: otherToken, body })).status).toBe(404);
    }
    expect((await call(gateway, 'GET', '/tools', { auth: other.masterKey })).body.data).toEqual([]);
    expect((await call(gateway, 'POST', '/tools', { auth: otherToken, body: weather })).status).toBe(201);
  });

  it('deletes a tool, and records every change in the audit log', async () => {
    expect((await admin('DELETE', '/tools/search')).status).toBe(204);
    expect((await admin('GET', '/tools/search')).status).toBe(404);
    expect((await admin('DELETE', '/tools/search')).status).toBe(404);
    const log = await admin('GET', '/audit-log?limit=200');
    const actions = log.body.data.map((entry: { action: string }) => entry.action);
    expect(actions).toEqual(expect.arrayContaining(['tool.created', 'tool.updated', 'tool.deleted']));
    expect(JSON.stringify(log.body)).not.toContain('k2-secret-value');
  });
});
