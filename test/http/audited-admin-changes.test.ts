// An admin change and its audit entry are saved together or not at all: with the audit log refusing writes, changes
// to provider connections, routing rules, environments, flows and MCP servers fail and leave nothing behind.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, login } from '../helpers/api.js';
import { DIALECTS } from '../helpers/databases.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';

const template = { main: { template: 'Greet [[name]].', llm: 'openai/gpt-4o-mini' } };

describe.each(DIALECTS)('admin changes on %s', (dialect) => {
  let gateway: TestGateway;
  let token: string;
  let flowId: string;
  let mcpServerId: string;

  beforeAll(async () => {
    gateway = await startGateway({ dialect, env: { OPENAI_API_KEY: 'sk-global', OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' } });
    token = await login(gateway);
    const flow = await api('POST', '/flows', { title: 'Greeting' });
    flowId = flow.body.id;
    expect((await api('POST', `/flows/${flowId}/versions`, { templates: template })).status).toBe(201);
    expect(
      (await api('POST', '/providers', { name: 'mine', type: 'openai', baseUrl: 'http://127.0.0.1:9/v1', apiKey: 'sk-x' })).status,
    ).toBe(201);
    mcpServerId = (await api('POST', '/mcp-servers', { name: 'Mine', url: 'http://127.0.0.1:9/mcp', headers: { 'X-Key': 'k' } })).body.id;
    await refuseAuditEntries(gateway, dialect);
  });

  afterAll(async () => {
    await gateway?.close();
  });

  const api = (method: string, path: string, body?: unknown) => call(gateway, method, path, { auth: token, body });

  it('a provider connection is neither added, changed nor deleted without its audit entry', async () => {
    expect((await api('POST', '/providers', { name: 'other', type: 'openai', baseUrl: 'http://127.0.0.1:9/v1' })).status).toBe(500);
    const mine = (await api('GET', '/providers')).body.data.find((c: { name: string }) => c.name === 'mine');
    expect((await api('PATCH', `/providers/${mine.id}`, { name: 'renamed' })).status).toBe(500);
    expect((await api('DELETE', `/providers/${mine.id}`)).status).toBe(500);
    const names = (await api('GET', '/providers')).body.data
      .filter((c: { global: boolean }) => !c.global)
      .map((c: { name: string }) => c.name);
    expect(names).toEqual(['mine']);
  });

  it('a routing rule is not saved without its audit entry', async () => {
    const rule = { targets: [{ provider: 'openai', model: 'gpt-4o-mini' }] };
    expect((await api('PUT', '/routing-rules/fast', rule)).status).toBe(500);
    expect((await api('GET', '/routing-rules/fast')).status).toBe(404);
  });

  it('an environment is not added without its audit entry', async () => {
    expect((await api('POST', '/environments', { name: 'staging' })).status).toBe(500);
    expect((await api('GET', '/environments')).body.data.map((e: { name: string }) => e.name)).not.toContain('staging');
  });

  it('a flow, its versions and activations do not change without their audit entries', async () => {
    expect((await api('POST', '/flows', { title: 'Farewell' })).status).toBe(500);
    expect((await api('PATCH', `/flows/${flowId}`, { title: 'Welcome' })).status).toBe(500);
    expect((await api('POST', `/flows/${flowId}/versions`, { templates: template })).status).toBe(500);
    expect((await api('POST', `/flows/${flowId}/versions/1/environments`, { environment: 'production' })).status).toBe(500);
    expect((await api('DELETE', `/flows/${flowId}`)).status).toBe(500);
    const flows = (await api('GET', '/flows')).body.data;
    expect(flows).toMatchObject([{ id: flowId, title: 'Greeting', latestVersion: 1, environments: {} }]);
  });

  it('an MCP server is neither registered, changed nor deleted without its audit entry', async () => {
    expect((await api('POST', '/mcp-servers', { name: 'Other', url: 'http://127.0.0.1:9/mcp' })).status).toBe(500);
    expect((await api('PATCH', `/mcp-servers/${mcpServerId}`, { name: 'Renamed', headers: {} })).status).toBe(500);
    expect((await api('DELETE', `/mcp-servers/${mcpServerId}`)).status).toBe(500);
    expect((await api('GET', '/mcp-servers')).body.data).toMatchObject([{ id: mcpServerId, name: 'Mine', headerNames: ['X-Key'] }]);
  });
});

/** Makes every insert into the audit log fail, as a crash between the write and its entry would. */
async function refuseAuditEntries(gateway: TestGateway, dialect: (typeof DIALECTS)[number]): Promise<void> {
  const { db } = gateway.shuttle.runtime;
  if (dialect === 'sqlite') {
    await sql`create trigger refuse_audit before insert on audit_log begin select raise(abort, 'audit log refused'); end`.execute(db);
    return;
  }
  await sql`create function refuse_audit() returns trigger as $$ begin raise exception 'audit log refused'; end $$ language plpgsql`.execute(
    db,
  );
  await sql`create trigger refuse_audit before insert on audit_log for each row execute function refuse_audit()`.execute(db);
}
