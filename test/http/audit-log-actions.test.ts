// GET /audit-log names every action Shuttle records, so a filter can offer each one and none is left out.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, login } from '../helpers/api.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';

describe('the audit log’s actions', () => {
  let gateway: TestGateway;
  let owner: string;

  beforeAll(async () => {
    gateway = await startGateway();
    owner = await login(gateway);
  });

  afterAll(async () => {
    await gateway?.close();
  });

  it('include every action of the entries recorded, and each one filters the log', async () => {
    const key = await call(gateway, 'POST', '/keys', { auth: owner, body: { name: 'Audited' } });
    await call(gateway, 'PATCH', `/keys/${key.body.id}`, { auth: owner, body: { name: 'Audited again' } });
    await call(gateway, 'POST', '/environments', { auth: owner, body: { name: 'staging' } });
    const retry = { attempts: 1, backoffMs: 0, on: [429] };
    await call(gateway, 'PUT', '/routing-rules/fast', { auth: owner, body: { targets: [{ provider: 'mock', model: 'echo' }], retry } });
    await call(gateway, 'PATCH', '/tenant', { auth: owner, body: { name: 'Acme Corp' } });

    const log = await call(gateway, 'GET', '/audit-log?limit=200', { auth: owner });
    expect(log.status).toBe(200);
    const recorded = new Set((log.body.data as Array<{ action: string }>).map((entry) => entry.action));
    expect([...recorded]).toEqual(
      expect.arrayContaining(['key.created', 'key.renamed', 'environment.created', 'routing_rule.saved', 'tenant.updated']),
    );
    expect(log.body.actions).toEqual(expect.arrayContaining([...recorded]));
    expect(log.body.actions).toEqual(expect.arrayContaining(['provider.created', 'flow.activated', 'auth.login_failed']));

    const filtered = await call(gateway, 'GET', '/audit-log?action=routing_rule.saved', { auth: owner });
    expect(filtered.body.data.map((entry: { action: string }) => entry.action)).toEqual(['routing_rule.saved']);
  });
});
