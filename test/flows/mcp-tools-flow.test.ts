// An MCP tool end to end: a real MCP server built with the SDK is registered, discovered, its tool imported, and a
// flow whose template names it runs — the model (mock/tools) calls the tool, Shuttle calls the server, and the answer
// is the server's result; on SQLite and PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, login } from '../helpers/api.js';
import { DIALECTS } from '../helpers/databases.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { startStreamableMcpServer, type TestMcpServer } from '../helpers/mcp-test-servers.js';

describe.each(DIALECTS)('a flow calling an MCP tool, on %s', (dialect) => {
  let gateway: TestGateway;
  let token: string;
  let mcp: TestMcpServer;

  beforeAll(async () => {
    gateway = await startGateway({ dialect });
    token = await login(gateway);
    mcp = await startStreamableMcpServer({ requireHeader: { name: 'Authorization', value: 'Bearer flow-secret' } });
  });

  afterAll(async () => {
    await gateway?.close();
    await mcp?.close();
  });

  const admin = (method: string, path: string, body?: unknown) => call(gateway, method, path, { auth: token, body });

  it('registers, discovers, imports and runs: the run calls the MCP tool and answers with its result', async () => {
    const server = await admin('POST', '/mcp-servers', {
      name: 'Echo server',
      url: mcp.url,
      headers: { Authorization: 'Bearer flow-secret' },
    });
    expect(server.status).toBe(201);
    const discovered = await admin('POST', `/mcp-servers/${server.body.id}/discover`);
    expect(discovered.body.data.find((t: { name: string }) => t.name === 'echo')).toMatchObject({ alreadyImported: false });
    const imported = await admin('POST', `/mcp-servers/${server.body.id}/import`, { tools: ['echo'] });
    expect(imported.status, JSON.stringify(imported.body)).toBe(201);

    await admin('POST', '/flows', { title: 'Echoer', slug: 'echoer' });
    const version = await admin('POST', '/flows/echoer/versions', {
      templates: { main: { userTemplate: '[[question]]', llm: 'mock/tools', tools: ['echo'] } },
    });
    expect(version.status, JSON.stringify(version.body)).toBe(201);
    await admin('POST', `/flows/echoer/versions/${version.body.version}/environments`, { environment: 'production' });

    const calls = mcp.requests.length;
    const run = await call(gateway, 'POST', '/flows/echoer/runs', {
      auth: gateway.masterKey,
      body: { parameters: { question: '{"text": "hello from the flow"}' } },
    });
    expect(run.status, JSON.stringify(run.body)).toBe(200);
    expect(run.body.response).toBe('echo: hello from the flow');
    expect(mcp.requests.length).toBeGreaterThan(calls);
    expect(mcp.requests.at(-1)?.headers.authorization).toBe('Bearer flow-secret');

    await gateway.shuttle.runtime.flowRunWriter.flush();
    const detail = await admin('GET', `/flows/echoer/runs/${run.body.id}`);
    expect(detail.body.toolCalls).toEqual([
      expect.objectContaining({
        name: 'echo',
        arguments: { text: 'hello from the flow' },
        status: 'succeeded',
        result: 'echo: hello from the flow',
      }),
    ]);
  });
});
