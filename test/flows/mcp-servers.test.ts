import { lookup } from 'node:dns';
import { isIP } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provisionTenant } from '../../src/auth/provisioning.js';
import type { HostResolver } from '../../src/network/address-policy.js';
import { addMember, call, login } from '../helpers/api.js';
import { DIALECTS, type TestDialect } from '../helpers/databases.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import {
  startHostileServer,
  startSilentServer,
  startSseOnlyMcpServer,
  startStreamableMcpServer,
  type TestMcpServer,
} from '../helpers/mcp-test-servers.js';

const SECRET = 'Bearer mcp-secret-value';

describe.each(DIALECTS)('MCP server registry, on %s', (dialect: TestDialect) => {
  let gateway: TestGateway;
  let token: string;
  let streamable: TestMcpServer;
  const api = (method: string, path: string, body?: unknown, auth = token) => call(gateway, method, path, { auth, body });

  beforeAll(async () => {
    gateway = await startGateway({ dialect });
    token = await login(gateway);
    streamable = await startStreamableMcpServer({ requireHeader: { name: 'Authorization', value: SECRET } });
  });

  afterAll(async () => {
    await gateway?.close();
    await streamable?.close();
  });

  it('registers a server, answers header names but never their values, and audit-logs each change', async () => {
    const created = await api('POST', '/mcp-servers', { name: 'Tools', url: streamable.url, headers: { Authorization: SECRET } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Tools', url: streamable.url, headerNames: ['Authorization'] });
    expect(created.body.id).toMatch(/^mcp_/);
    expect(JSON.stringify(created.body)).not.toContain('mcp-secret-value');

    const listed = await api('GET', '/mcp-servers');
    expect(listed.body.data.map((s: { id: string }) => s.id)).toContain(created.body.id);
    expect(JSON.stringify(listed.body)).not.toContain('mcp-secret-value');
    const stored = await gateway.shuttle.runtime.db.selectFrom('mcp_servers').selectAll().execute();
    expect(JSON.stringify(stored)).not.toContain('mcp-secret-value');

    expect((await api('POST', '/mcp-servers', { name: 'Tools', url: streamable.url })).status).toBe(409);

    const renamed = await api('PATCH', `/mcp-servers/${created.body.id}`, { name: 'Renamed tools' });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: 'Renamed tools', headerNames: ['Authorization'] });
    const fetched = await api('GET', `/mcp-servers/${created.body.id}`);
    expect(fetched.body.name).toBe('Renamed tools');

    const removable = await api('POST', '/mcp-servers', { name: 'Temporary', url: streamable.url });
    expect((await api('DELETE', `/mcp-servers/${removable.body.id}`)).status).toBe(204);
    expect((await api('GET', `/mcp-servers/${removable.body.id}`)).status).toBe(404);

    const audit = await api('GET', '/audit-log?limit=50');
    const actions = audit.body.data.map((entry: { action: string }) => entry.action);
    expect(actions).toEqual(expect.arrayContaining(['mcp_server.created', 'mcp_server.updated', 'mcp_server.deleted']));
    expect(JSON.stringify(audit.body)).not.toContain('mcp-secret-value');
  });

  it('keeps stored headers from another origin: a moved URL must bring its headers again', async () => {
    const created = await api('POST', '/mcp-servers', { name: 'Movable', url: streamable.url, headers: { Authorization: SECRET } });
    const moved = await api('PATCH', `/mcp-servers/${created.body.id}`, { url: 'http://93.184.216.34/mcp' });
    expect(moved.status).toBe(400);
    expect(moved.body.error).toMatchObject({ code: 'credentials_required', param: 'headers' });
    const dropped = await api('PATCH', `/mcp-servers/${created.body.id}`, { url: 'http://93.184.216.34/mcp', headers: {} });
    expect(dropped.status).toBe(200);
    expect(dropped.body.headerNames).toEqual([]);
  });

  it('refuses malformed input with a 400 naming the field', async () => {
    const cases = [
      { name: 'Bad url', url: 'ftp://example.com/mcp' },
      { name: 'Credentials in url', url: 'https://user:pass@example.com/mcp' },
      { name: 'Bad header', url: streamable.url, headers: { 'Bad Header': 'x' } },
      { name: 'Reserved header', url: streamable.url, headers: { 'Mcp-Session-Id': 'x' } },
      { name: 'Line break', url: streamable.url, headers: { 'X-Token': 'a\nb' } },
      { name: '', url: streamable.url },
    ];
    for (const body of cases) {
      const answer = await api('POST', '/mcp-servers', body);
      expect({ body, status: answer.status, type: answer.body.error?.type }).toEqual({ body, status: 400, type: 'invalid_request_error' });
    }
  });

  it('lets API keys and members read, and only admins change or discover', async () => {
    const created = await api('POST', '/mcp-servers', { name: 'Roles', url: streamable.url });
    const key = gateway.masterKey;
    expect((await api('GET', '/mcp-servers', undefined, key)).status).toBe(200);
    expect((await api('GET', `/mcp-servers/${created.body.id}`, undefined, key)).status).toBe(200);
    expect((await api('POST', '/mcp-servers', { name: 'By key', url: streamable.url }, key)).status).toBe(403);
    expect((await api('POST', `/mcp-servers/${created.body.id}/discover`, undefined, key)).status).toBe(403);
    const member = await addMember(gateway, token, `member-${dialect}@acme.test`, 'member');
    expect((await api('GET', '/mcp-servers', undefined, member.token)).status).toBe(200);
    expect((await api('PATCH', `/mcp-servers/${created.body.id}`, { name: 'x' }, member.token)).status).toBe(403);
    expect((await api('DELETE', `/mcp-servers/${created.body.id}`, undefined, member.token)).status).toBe(403);
  });

  it("answers 404 for another tenant's server, whatever the method", async () => {
    const created = await api('POST', '/mcp-servers', { name: 'Private to Acme', url: streamable.url, headers: { Authorization: SECRET } });
    await provisionTenant(gateway.shuttle.runtime.db, {
      tenantName: 'Globex',
      email: `owner-${dialect}@globex.test`,
      password: 'another horse battery',
    });
    const other = await login(gateway, `owner-${dialect}@globex.test`, 'another horse battery');
    const id = created.body.id as string;
    expect((await api('GET', `/mcp-servers/${id}`, undefined, other)).status).toBe(404);
    expect((await api('PATCH', `/mcp-servers/${id}`, { name: 'Stolen' }, other)).status).toBe(404);
    expect((await api('DELETE', `/mcp-servers/${id}`, undefined, other)).status).toBe(404);
    const discover = await api('POST', `/mcp-servers/${id}/discover`, undefined, other);
    expect(discover.status).toBe(404);
    expect(discover.body.error.type).toBe('not_found_error');
    expect((await api('GET', '/mcp-servers', undefined, other)).body.data).toEqual([]);
    const tenantId = (
      await gateway.shuttle.runtime.db.selectFrom('tenants').select('id').where('name', '=', 'Globex').executeTakeFirstOrThrow()
    ).id;
    await expect(gateway.shuttle.runtime.mcpServers.callTool(tenantId, id, 'echo', { text: 'x' })).rejects.toMatchObject({ status: 404 });
    expect((await api('GET', `/mcp-servers/${id}`)).body.name).toBe('Private to Acme');
  });

  it('discovers the tools of a Streamable HTTP server and calls them with the stored headers', async () => {
    const created = await api('POST', '/mcp-servers', { name: 'Streamable', url: streamable.url, headers: { Authorization: SECRET } });
    const discovered = await api('POST', `/mcp-servers/${created.body.id}/discover`);
    expect(discovered.status).toBe(200);
    const tools = discovered.body.data as Array<{ name: string; description: string; inputSchema: Record<string, unknown> }>;
    expect(tools.map((t) => t.name).sort()).toEqual(['echo', 'fails', 'mixed']);
    const echo = tools.find((t) => t.name === 'echo');
    expect(echo?.description).toBe('Echoes its text back');
    expect(echo?.inputSchema).toMatchObject({ type: 'object', properties: { text: { type: 'string' } }, required: ['text'] });
    expect(streamable.requests.every((r) => r.headers.authorization === SECRET)).toBe(true);

    const { mcpServers } = gateway.shuttle.runtime;
    expect(await mcpServers.callTool(gateway.tenantId, created.body.id, 'echo', { text: 'hello' })).toEqual({
      text: 'echo: hello',
      isError: false,
    });
    expect(await mcpServers.callTool(gateway.tenantId, created.body.id, 'mixed', {})).toEqual({
      text: 'first line\n[image: image/png, 16 bytes]\n[resource link: file:///report.pdf (report)]\nlast line',
      isError: false,
    });
    expect(await mcpServers.callTool(gateway.tenantId, created.body.id, 'fails', {})).toEqual({ text: 'the tool broke', isError: true });
    // The SDK's server answers an unknown tool as a failed call, which the model can read.
    const unknown = await mcpServers.callTool(gateway.tenantId, created.body.id, 'no-such-tool', {});
    expect(unknown.isError).toBe(true);
    expect(unknown.text).toContain('no-such-tool not found');
  });

  it('tells a server that refuses the headers apart from one that cannot be reached', async () => {
    const created = await api('POST', '/mcp-servers', {
      name: 'Wrong secret',
      url: streamable.url,
      headers: { Authorization: 'Bearer wrong' },
    });
    const refused = await api('POST', `/mcp-servers/${created.body.id}/discover`);
    expect(refused.status).toBe(502);
    expect(refused.body.error).toMatchObject({ code: 'mcp_server_error', type: 'upstream_error' });
    expect(refused.body.error.message).toContain('HTTP 401');
  });
});

describe('MCP servers that speak the older transport or misbehave', () => {
  let gateway: TestGateway;
  let token: string;
  const servers: TestMcpServer[] = [];
  const api = (method: string, path: string, body?: unknown) => call(gateway, method, path, { auth: token, body });
  const register = async (name: string, url: string) => (await api('POST', '/mcp-servers', { name, url })).body.id as string;

  beforeAll(async () => {
    gateway = await startGateway();
    token = await login(gateway);
  });

  afterAll(async () => {
    await gateway?.close();
    for (const server of servers) await server.close();
  });

  it('falls back to HTTP+SSE for a server that only speaks it', async () => {
    const sse = await startSseOnlyMcpServer();
    servers.push(sse);
    const id = await register('Legacy', sse.url);
    const discovered = await api('POST', `/mcp-servers/${id}/discover`);
    expect(discovered.status).toBe(200);
    expect(discovered.body.data.map((t: { name: string }) => t.name).sort()).toEqual(['echo', 'fails', 'mixed']);
    // The Streamable HTTP POST came first and was refused; then the event stream was opened.
    expect(sse.requests[0]).toMatchObject({ method: 'POST', path: '/sse' });
    expect(sse.requests.some((r) => r.method === 'GET' && r.path === '/sse')).toBe(true);
    expect(await gateway.shuttle.runtime.mcpServers.callTool(gateway.tenantId, id, 'echo', { text: 'old' })).toEqual({
      text: 'echo: old',
      isError: false,
    });
  });

  it('answers 502 for a server that is down, and 504 for one that never answers: never a 500 or a hang', async () => {
    const gone = await startSilentServer();
    await gone.close();
    const down = await api('POST', `/mcp-servers/${await register('Down', gone.url)}/discover`);
    expect(down.status).toBe(502);
    expect(down.body.error).toMatchObject({ code: 'mcp_server_unreachable', type: 'upstream_error' });

    const impatient = await startGateway({ env: { SHUTTLE_MCP_CONNECT_TIMEOUT_MS: '300', SHUTTLE_MCP_CALL_TIMEOUT_MS: '300' } });
    try {
      const silent = await startSilentServer();
      servers.push(silent);
      const owner = await login(impatient);
      const created = await call(impatient, 'POST', '/mcp-servers', { auth: owner, body: { name: 'Silent', url: silent.url } });
      const slow = await call(impatient, 'POST', `/mcp-servers/${created.body.id}/discover`, { auth: owner });
      expect(slow.status).toBe(504);
      expect(slow.body.error).toMatchObject({ code: 'mcp_server_timeout', type: 'upstream_error' });
      expect(silent.requests).toHaveLength(1);
    } finally {
      await impatient.close();
    }
  });

  it('answers 502 for a server that speaks no MCP, or sends more than Shuttle reads', async () => {
    const html = await startHostileServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>hello</html>'));
    servers.push(html);
    const notMcp = await api('POST', `/mcp-servers/${await register('Web page', html.url)}/discover`);
    expect(notMcp.status).toBe(502);
    expect(notMcp.body.error).toMatchObject({ code: 'mcp_server_unreachable', type: 'upstream_error' });

    const flood = await startHostileServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, 'a');
      let sent = 0;
      const write = () => {
        while (sent < 16 * 1024 * 1024 && res.write(chunk)) sent += chunk.length;
      };
      res.on('drain', write);
      write();
    });
    servers.push(flood);
    const flooded = await api('POST', `/mcp-servers/${await register('Flood', flood.url)}/discover`);
    expect(flooded.status).toBe(502);
    expect(flooded.body.error).toMatchObject({ code: 'mcp_server_error', type: 'upstream_error' });
    expect(flooded.body.error.message).toContain('larger than 4 MiB');
  });

  it('rejects a call the server answers with a JSON-RPC error, quoting the server', async () => {
    const broken = await startStreamableMcpServer({ protocolErrors: true });
    servers.push(broken);
    const id = await register('Broken', broken.url);
    expect((await api('POST', `/mcp-servers/${id}/discover`)).body.data.map((t: { name: string }) => t.name)).toEqual(['broken']);
    await expect(gateway.shuttle.runtime.mcpServers.callTool(gateway.tenantId, id, 'broken', {})).rejects.toMatchObject({
      status: 502,
      code: 'mcp_server_error',
      message: expect.stringContaining('the arguments make no sense to this server'),
    });
  });

  it('lists no tools for a server that offers none', async () => {
    const empty = await startStreamableMcpServer({ withoutTools: true });
    servers.push(empty);
    const discovered = await api('POST', `/mcp-servers/${await register('Empty', empty.url)}/discover`);
    expect(discovered.status).toBe(200);
    expect(discovered.body.data).toEqual([]);
  });
});

/** A resolver whose names the test rebinds; any other name goes to the system's resolver. */
function rebindableResolver() {
  const names = new Map<string, string[]>();
  const resolve: HostResolver = (hostname, options, callback) => {
    const addresses = names.get(hostname);
    if (addresses === undefined) return lookup(hostname, options, callback);
    callback(
      null,
      addresses.map((address) => ({ address, family: isIP(address) })),
    );
  };
  return { names, resolve };
}

describe('MCP servers on private networks', () => {
  let gateway: TestGateway;
  let token: string;
  let streamable: TestMcpServer;
  const names = rebindableResolver();
  const api = (method: string, path: string, body?: unknown) => call(gateway, method, path, { auth: token, body });

  beforeAll(async () => {
    gateway = await startGateway({ env: { SHUTTLE_ALLOW_PRIVATE_NETWORKS: '' }, resolveHost: names.resolve });
    token = await login(gateway);
    streamable = await startStreamableMcpServer();
  });

  afterAll(async () => {
    await gateway?.close();
    await streamable?.close();
  });

  it('refuses a private address when saved, and a name rebound to one when connecting', async () => {
    for (const url of [streamable.url, `http://localhost:${streamable.port}/mcp`, 'http://169.254.169.254/mcp', 'http://[::1]/mcp']) {
      const refused = await api('POST', '/mcp-servers', { name: 'Internal', url });
      expect({ url, status: refused.status, code: refused.body.error?.code, param: refused.body.error?.param }).toEqual({
        url,
        status: 400,
        code: 'private_network_refused',
        param: 'url',
      });
    }

    names.names.set('tools.rebind.test', ['93.184.216.34']);
    const saved = await api('POST', '/mcp-servers', { name: 'Rebound', url: `http://tools.rebind.test:${streamable.port}/mcp` });
    expect(saved.status).toBe(201);
    const moved = await api('PATCH', `/mcp-servers/${saved.body.id}`, { url: streamable.url });
    expect(moved.body.error.code).toBe('private_network_refused');

    names.names.set('tools.rebind.test', ['127.0.0.1']);
    const discover = await api('POST', `/mcp-servers/${saved.body.id}/discover`);
    expect(discover.status).toBe(502);
    expect(discover.body.error.code).toBe('upstream_address_refused');
    expect(discover.body.error.message).toContain('SHUTTLE_ALLOW_PRIVATE_NETWORKS');
    expect(streamable.requests).toHaveLength(0);
  });
});
