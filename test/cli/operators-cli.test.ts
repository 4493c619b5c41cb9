// `shuttle operators|tenants|plans …` from the server's shell: each goes through the operators' services, and the
// running server (sharing PostgreSQL and Redis) follows at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBase62 } from '../../src/store/ids.js';
import { call, chat, login } from '../helpers/api.js';
import { runShuttle } from '../helpers/cli.js';
import { REDIS_URL } from '../helpers/databases.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';

describe('shuttle operators, tenants and plans', { timeout: 120_000 }, () => {
  let gateway: TestGateway;
  let env: Record<string, string>;

  beforeAll(async () => {
    const redis = { REDIS_URL, SHUTTLE_REDIS_PREFIX: `test-${randomBase62(8)}:`, SHUTTLE_KEY_CACHE_TTL_MS: '600000' };
    gateway = await startGateway({ dialect: 'postgres', env: redis });
    env = { DATABASE_URL: gateway.database.url, SHUTTLE_SECRET: 'test-secret-test-secret-test-secret-0123456789', ...redis };
  });

  afterAll(async () => {
    await gateway?.close();
  });

  const shuttle = async (...args: string[]) => {
    const result = await runShuttle(args, env);
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(result.stdout);
  };

  it('makes a user an operator, who may then call the admin API; the last operator is not removed', async () => {
    const owner = await login(gateway);
    expect((await call(gateway, 'GET', '/admin/tenants', { auth: owner })).status).toBe(403);
    expect(await shuttle('operators', 'add', 'OWNER@acme.test', '--json')).toMatchObject({ email: 'owner@acme.test', operator: true });
    expect((await call(gateway, 'GET', '/admin/tenants', { auth: owner })).status).toBe(200);
    expect((await shuttle('operators', 'list', '--json')).data.map((u: { email: string }) => u.email)).toEqual(['owner@acme.test']);
    const last = await runShuttle(['operators', 'remove', 'owner@acme.test'], env);
    expect(last.code).toBe(1);
    expect(last.stderr).toContain('last operator');
    const unknown = await runShuttle(['operators', 'add', 'nobody@acme.test'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No user');
  });

  it('creates a tenant whose invited owner joins, gives it a plan, and lists it', async () => {
    const plan = await shuttle(
      'plans',
      'create',
      '--name',
      'Basic',
      '--models',
      'mock/*',
      '--limits',
      '{"requestsPerMinute":100}',
      '--json',
    );
    expect(plan).toMatchObject({ name: 'Basic', allowedModels: ['mock/*'], limits: { requestsPerMinute: 100 } });
    const created = await shuttle('tenants', 'create', '--name', 'Wayne', '--owner', 'bruce@wayne.test', '--plan', 'Basic', '--json');
    expect(created).toMatchObject({ name: 'Wayne', planId: plan.id, suspended: false });
    const accepted = await call(gateway, 'POST', '/invitations/accept-with-password', {
      body: { token: created.invitation.token, password: 'i am the night' },
    });
    expect(accepted.status).toBe(200);
    expect(accepted.body.tenants).toEqual([{ id: created.id, name: 'Wayne', role: 'owner', suspended: false }]);

    await shuttle('plans', 'assign', 'none', '--tenant', 'Wayne', '--json');
    const reassigned = await shuttle('plans', 'assign', plan.id, '--tenant', created.id, '--json');
    expect(reassigned.planId).toBe(plan.id);
    const listed = await shuttle('tenants', 'list', '--json');
    expect(listed.data.map((t: { name: string; planId: string | null }) => [t.name, t.planId])).toEqual([
      ['Acme', null],
      ['Wayne', plan.id],
    ]);
    expect((await shuttle('plans', 'list', '--json')).data.map((p: { name: string }) => p.name)).toEqual(['Basic']);
  });

  it('suspends and resumes a tenant; the running server follows at once, and the shell runs none of its flows meanwhile', async () => {
    expect((await chat(gateway, gateway.masterKey)).status).toBe(200);
    expect(await shuttle('tenants', 'suspend', 'Acme', '--json')).toMatchObject({ suspended: true });
    expect((await chat(gateway, gateway.masterKey)).status).toBe(423);
    const run = await runShuttle(['flows', 'run', 'any-flow', '--tenant', 'Acme'], env);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('suspended');
    expect(await shuttle('tenants', 'resume', gateway.tenantId, '--json')).toMatchObject({ suspended: false });
    expect((await chat(gateway, gateway.masterKey)).status).toBe(200);
  });

  it('fails clearly on unknown plans and tenants and on invalid plans', async () => {
    const plan = await runShuttle(['plans', 'assign', 'Nope', '--tenant', 'Acme'], env);
    expect(plan.code).toBe(1);
    expect(plan.stderr).toContain('No plan');
    const tenant = await runShuttle(['tenants', 'suspend', 'Nope'], env);
    expect(tenant.code).toBe(1);
    expect(tenant.stderr).toContain('No tenant');
    const invalid = await runShuttle(['plans', 'create', '--name', 'Bad', '--multipliers', '{"x":-1}'], env);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toContain('modelMultipliers');
  });
});
