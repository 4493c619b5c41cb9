// The tool endpoints the dashboard's Tools page uses: an MCP server's tools imported into the library (all or none,
// with alreadyImported on discover), a server whose tools are in the library kept from deletion, and a tool tested
// alone through its executor — on SQLite and PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, call, login } from '../helpers/api.js';
import { DIALECTS } from '../helpers/databases.js';
import { flushUsage, startGateway, type TestGateway } from '../helpers/gateway.js';
import { startStreamableMcpServer, type TestMcpServer } from '../helpers/mcp-test-servers.js';
import { startToolServer } from '../helpers/tool-server.js';

describe.each(DIALECTS)('tool endpoints on %s', (dialect) => {
  let gateway: TestGateway;
  let token: string;
  let mcp: TestMcpServer;
  let tools: Awaited<ReturnType<typeof startToolServer>>;

  beforeAll(async () => {
    gateway = await startGateway({ dialect });
    token = await login(gateway);
    mcp = await startStreamableMcpServer();
    tools = await startToolServer();
  });

  afterAll(async () => {
    await gateway?.close();
    await mcp?.close();
    await tools?.close();
  });

  const admin = (method: string, path: string, body?: unknown) => call(gateway, method, path, { auth: token, body });

  it('imports named tools of an MCP server as mcp tools, all or none, and discover says which are imported', async () => {
    const server = await admin('POST', '/mcp-servers', { name: 'Importable', url: mcp.url });
    const id = server.body.id as string;
    const before = await admin('POST', `/mcp-servers/${id}/discover`);
    expect(before.status).toBe(200);
    expect(before.body.data.map((t: { name: string; alreadyImported: boolean }) => [t.name, t.alreadyImported])).toEqual([
      ['echo', false],
      ['mixed', false],
      ['fails', false],
    ]);

    const unknown = await admin('POST', `/mcp-servers/${id}/import`, { tools: ['echo', 'nope'] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatchObject({ param: 'tools.1' });
    expect(unknown.body.error.message).toContain('nope');

    const imported = await admin('POST', `/mcp-servers/${id}/import`, { tools: ['echo', 'fails'] });
    expect(imported.status, JSON.stringify(imported.body)).toBe(201);
    expect(imported.body.data).toEqual([
      expect.objectContaining({
        name: 'echo',
        type: 'mcp',
        description: 'Echoes its text back',
        serverId: id,
        toolName: 'echo',
        inputSchema: expect.objectContaining({ properties: { text: expect.objectContaining({ type: 'string' }) } }),
        parameters: expect.objectContaining({ required: ['text'] }),
      }),
      expect.objectContaining({ name: 'fails', type: 'mcp', serverId: id, toolName: 'fails' }),
    ]);
    const listed = await admin('GET', '/tools');
    const echo = listed.body.data.find((t: { name: string }) => t.name === 'echo');
    expect(echo).toEqual(imported.body.data[0]);

    const after = await admin('POST', `/mcp-servers/${id}/discover`);
    expect(after.body.data.map((t: { name: string; alreadyImported: boolean }) => [t.name, t.alreadyImported])).toEqual([
      ['echo', true],
      ['mixed', false],
      ['fails', true],
    ]);

    // "mixed" is free, "echo" is taken: nothing is created.
    const taken = await admin('POST', `/mcp-servers/${id}/import`, { tools: ['mixed', 'echo'] });
    expect(taken.status).toBe(409);
    expect(taken.body.error).toMatchObject({ code: 'tool_name_taken', param: 'tools.1' });
    expect(taken.body.error.message).toContain('"echo"');
    expect((await admin('GET', '/tools/mixed')).status).toBe(404);

    const audit = await admin('GET', '/audit-log?limit=20');
    const created = audit.body.data.filter((e: { action: string }) => e.action === 'tool.created');
    expect(created.map((e: { details: { name: string } }) => e.details.name)).toEqual(expect.arrayContaining(['echo', 'fails']));

    // The server's tools are in the library: deleting it is refused, naming them; without them it goes.
    const refused = await admin('DELETE', `/mcp-servers/${id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('mcp_server_in_use');
    expect(refused.body.error.message).toContain('echo, fails');
    await admin('DELETE', '/tools/echo');
    await admin('DELETE', '/tools/fails');
    expect((await admin('DELETE', `/mcp-servers/${id}`)).status).toBe(204);
  });

  it('refuses imports from members, of another tenant’s server, and malformed lists', async () => {
    const server = await admin('POST', '/mcp-servers', { name: 'Guarded', url: mcp.url });
    const id = server.body.id as string;
    const member = await addMember(gateway, token, `member-import-${dialect}@acme.test`, 'member');
    const denied = await call(gateway, 'POST', `/mcp-servers/${id}/import`, { auth: member.token, body: { tools: ['echo'] } });
    expect(denied.status).toBe(403);
    expect((await admin('POST', '/mcp-servers/mcp_nothere/import', { tools: ['echo'] })).status).toBe(404);
    expect((await admin('POST', `/mcp-servers/${id}/import`, { tools: [] })).status).toBe(400);
    expect((await admin('POST', `/mcp-servers/${id}/import`, { tools: ['echo', 'echo'] })).status).toBe(400);
    expect((await admin('POST', `/mcp-servers/${id}/import`, {})).status).toBe(400);
  });

  it('tests an http tool and an mcp tool alone: what they answer, or their error as a failed 200', async () => {
    const weather = await admin('POST', '/tools', {
      name: 'weather_test',
      type: 'http',
      url: `${tools.url}/weather/{city}`,
      parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
    });
    expect(weather.status, JSON.stringify(weather.body)).toBe(201);
    const ok = await admin('POST', `/tools/${weather.body.id}/test`, { arguments: { city: 'Lyon' } });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ status: 'succeeded', truncated: false, latencyMs: expect.any(Number) });
    expect(JSON.parse(ok.body.result)).toMatchObject({ city: 'Lyon', temperature: 21 });

    const invalid = await admin('POST', '/tools/weather_test/test', { arguments: { city: 3 } });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.param).toBe('arguments');
    expect((await admin('POST', '/tools/weather_test/test', { arguments: {} })).status).toBe(400);

    await admin('POST', '/tools', { name: 'broken_test', type: 'http', url: `${tools.url}/fail` });
    const failed = await admin('POST', '/tools/broken_test/test', {});
    expect(failed.status).toBe(200);
    expect(failed.body.status).toBe('failed');
    expect(failed.body.result).toContain('500');

    await admin('POST', '/tools', { name: 'big_test', type: 'http', url: `${tools.url}/big` });
    const big = await admin('POST', '/tools/big_test/test', {});
    expect(big.body).toMatchObject({ status: 'succeeded', truncated: true });
    expect(big.body.result).toHaveLength(65_536);

    const server = await admin('POST', '/mcp-servers', { name: 'Testable', url: mcp.url });
    await admin('POST', `/mcp-servers/${server.body.id}/import`, { tools: ['echo', 'fails'] });
    const echoed = await admin('POST', '/tools/echo/test', { arguments: { text: 'hi' } });
    expect(echoed.body).toMatchObject({ status: 'succeeded', result: 'echo: hi' });
    const mcpFailed = await admin('POST', '/tools/fails/test', { arguments: {} });
    expect(mcpFailed.body).toMatchObject({ status: 'failed', result: 'the tool broke' });

    const member = await addMember(gateway, token, `member-test-${dialect}@acme.test`, 'member');
    const denied = await call(gateway, 'POST', '/tools/echo/test', { auth: member.token, body: { arguments: { text: 'hi' } } });
    expect(denied.status).toBe(403);
    expect((await call(gateway, 'POST', '/tools/echo/test', { auth: gateway.masterKey, body: {} })).status).toBe(403);
    expect((await admin('POST', '/tools/tol_nothere/test', {})).status).toBe(404);
  });

  it('tests an agent tool through the pipeline, metered as one tools.test request', async () => {
    await admin('POST', '/flows', { title: 'tested', slug: 'tested' });
    const version = await admin('POST', '/flows/tested/versions', {
      templates: { main: { userTemplate: 'Tested: [[topic]]', llm: 'mock/echo' } },
    });
    await admin('POST', `/flows/tested/versions/${version.body.version}/environments`, { environment: 'production' });
    await admin('POST', '/tools', {
      name: 'ask_tested',
      type: 'agent',
      flowId: 'tested',
      parameters: { type: 'object', properties: { topic: { type: 'string' } }, required: ['topic'] },
    });
    const tested = await admin('POST', '/tools/ask_tested/test', { arguments: { topic: 'dogs' } });
    expect(tested.status, JSON.stringify(tested.body)).toBe(200);
    expect(tested.body).toMatchObject({ status: 'succeeded', result: 'Tested: dogs', truncated: false });
    await flushUsage(gateway);
    const events = await gateway.shuttle.runtime.db.selectFrom('usage_events').selectAll().where('endpoint', '=', 'tools.test').execute();
    expect(events).toHaveLength(1);
    expect(Number(events[0]?.completion_tokens)).toBeGreaterThan(0);

    // In an environment where the flow has no active version, the agent fails: a 200 saying why.
    const elsewhere = await admin('POST', '/tools/ask_tested/test', { arguments: { topic: 'dogs' }, environment: 'development' });
    expect(elsewhere.status).toBe(200);
    expect(elsewhere.body.status).toBe('failed');
    expect(elsewhere.body.result).toContain('No version of "tested" is active in development');
  });
});
