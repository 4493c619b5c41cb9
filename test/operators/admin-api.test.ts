// The operators' API (/api/v1/admin): only server operators may call it; they list, create, rename, suspend, resume
// and delete tenants, and manage plans. Run on SQLite and PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, call, chat, login } from '../helpers/api.js';
import { DIALECTS } from '../helpers/databases.js';
import { flushUsage, startGateway, type TestGateway } from '../helpers/gateway.js';
import { createTenant, makeOperator } from './operator-helpers.js';

const ADMIN_ROUTES: Array<[string, string, unknown?]> = [
  ['GET', '/admin/tenants'],
  ['POST', '/admin/tenants', { name: 'Nope', ownerEmail: 'nope@example.test' }],
  ['GET', '/admin/tenants/ten_x'],
  ['PATCH', '/admin/tenants/ten_x', { suspended: true }],
  ['DELETE', '/admin/tenants/ten_x?force=true'],
  ['GET', '/admin/plans'],
  ['POST', '/admin/plans', { name: 'Nope' }],
  ['GET', '/admin/plans/pln_x'],
  ['PATCH', '/admin/plans/pln_x', { name: 'Nope' }],
  ['DELETE', '/admin/plans/pln_x'],
];

describe.each(DIALECTS)('the operators’ API on %s', { timeout: 60_000 }, (dialect) => {
  let gateway: TestGateway;
  let operator: string;

  beforeAll(async () => {
    gateway = await startGateway({ dialect, captureLogs: true });
    await makeOperator(gateway);
    operator = await login(gateway);
  });

  afterAll(async () => {
    await gateway?.close();
  });

  it('answers 403 on every admin route to a tenant owner who is no operator, a member, and an API key; 401 without credentials', async () => {
    const other = await createTenant(gateway, operator, 'Globex', 'boss@globex.test');
    const member = await addMember(gateway, operator, 'dev@acme.test', 'admin');
    for (const [method, path, body] of ADMIN_ROUTES) {
      for (const [who, auth] of [
        ['owner', other.ownerToken],
        ['member', member.token],
        ['master key', gateway.masterKey],
        ['other master key', other.masterKey],
      ] as const) {
        const response = await call(gateway, method, path, { auth, body });
        expect(response.status, `${who} ${method} ${path}`).toBe(403);
        expect(response.body.error).toMatchObject({ type: 'permission_error' });
      }
      expect((await call(gateway, method, path, { body })).status, `anonymous ${method} ${path}`).toBe(401);
    }
    // Nothing was created, changed or deleted by the refused calls.
    const tenants = await call(gateway, 'GET', '/admin/tenants', { auth: operator });
    expect(tenants.body.data.map((t: { name: string }) => t.name).sort()).toEqual(['Acme', 'Globex']);
    expect((await call(gateway, 'GET', '/admin/plans', { auth: operator })).body.data).toEqual([]);
  });

  it('tells the dashboard who is an operator (login and /auth/me)', async () => {
    const me = await call(gateway, 'GET', '/auth/me', { auth: operator });
    expect(me.body.user.operator).toBe(true);
    expect(me.body.tenants[0]).toMatchObject({ name: expect.any(String), suspended: false });
    const member = await addMember(gateway, operator, 'viewer@acme.test', 'viewer');
    expect((await call(gateway, 'GET', '/auth/me', { auth: member.token })).body.user.operator).toBe(false);
    const loggedIn = await call(gateway, 'POST', '/auth/login', { body: { email: 'owner@acme.test', password: 'correct horse battery' } });
    expect(loggedIn.body.user.operator).toBe(true);
  });

  it('an operator removed loses the admin API at once, while their tenant role stays', async () => {
    const second = await addMember(gateway, operator, 'second-operator@acme.test', 'member');
    expect((await call(gateway, 'GET', '/admin/tenants', { auth: second.token })).status).toBe(403);
    await gateway.shuttle.runtime.operators.add('second-operator@acme.test');
    expect((await call(gateway, 'GET', '/admin/tenants', { auth: second.token })).status).toBe(200);
    expect((await call(gateway, 'GET', '/auth/me', { auth: second.token })).body.user.operator).toBe(true);
    await gateway.shuttle.runtime.operators.remove('second-operator@acme.test');
    const refused = await call(gateway, 'GET', '/admin/tenants', { auth: second.token });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('operator_required');
    expect((await call(gateway, 'GET', '/customers', { auth: second.token })).status).toBe(200);
  });

  it('lists tenants with this month’s requests and spend, and creates one whose invited owner can use it', async () => {
    const initech = await createTenant(gateway, operator, 'Initech', 'peter@initech.test');
    expect((await chat(gateway, initech.masterKey)).status).toBe(200);
    expect((await chat(gateway, initech.masterKey)).status).toBe(200);
    await flushUsage(gateway);
    const listed = await call(gateway, 'GET', '/admin/tenants', { auth: operator });
    expect(listed.status).toBe(200);
    const row = listed.body.data.find((t: { id: string }) => t.id === initech.id);
    expect(row).toMatchObject({ name: 'Initech', planId: null, suspended: false, owners: 1, month: { requests: 2 } });
    expect(typeof row.month.costUsd).toBe('number');
    const one = await call(gateway, 'GET', `/admin/tenants/${initech.id}`, { auth: operator });
    expect(one.body).toEqual(row);
    // The owner sees the creation in the tenant's audit log, with the operator named.
    const log = await call(gateway, 'GET', '/audit-log', { auth: initech.ownerToken, headers: { 'x-shuttle-tenant-id': initech.id } });
    expect(log.body.data.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining(['tenant.created', 'invitation.created']),
    );
    expect(log.body.data.find((e: { action: string }) => e.action === 'tenant.created').actor.label).toBe('owner@acme.test');
  });

  it('refuses client mistakes with clear 4xx: bad bodies 400, unknown ids 404, a taken email 409', async () => {
    expect((await call(gateway, 'POST', '/admin/tenants', { auth: operator, body: { name: '', ownerEmail: 'x@y.test' } })).status).toBe(
      400,
    );
    expect(
      (await call(gateway, 'POST', '/admin/tenants', { auth: operator, body: { name: 'X', ownerEmail: 'not an email' } })).status,
    ).toBe(400);
    const unknownPlan = await call(gateway, 'POST', '/admin/tenants', {
      auth: operator,
      body: { name: 'X', ownerEmail: 'x@y.test', planId: 'pln_nope' },
    });
    expect(unknownPlan.status).toBe(400);
    expect(unknownPlan.body.error.param).toBe('planId');
    expect((await call(gateway, 'GET', '/admin/tenants/ten_nope', { auth: operator })).status).toBe(404);
    expect((await call(gateway, 'PATCH', '/admin/tenants/ten_nope', { auth: operator, body: { name: 'Y' } })).status).toBe(404);
    expect(
      (await call(gateway, 'PATCH', `/admin/tenants/${gateway.tenantId}`, { auth: operator, body: { suspended: 'yes' } })).status,
    ).toBe(400);
    expect((await call(gateway, 'PATCH', `/admin/tenants/${gateway.tenantId}`, { auth: operator, body: { extra: 1 } })).status).toBe(400);
    expect((await call(gateway, 'DELETE', '/admin/tenants/ten_nope', { auth: operator })).status).toBe(404);
    expect((await call(gateway, 'DELETE', `/admin/tenants/${gateway.tenantId}?force=maybe`, { auth: operator })).status).toBe(400);
  });

  it('renames a tenant and suspends it: its keys and members get 423 tenant_suspended, login still works and says why; resuming undoes it', async () => {
    const hooli = await createTenant(gateway, operator, 'Hooli', 'gavin@hooli.test');
    const headers = { 'x-shuttle-tenant-id': hooli.id };
    const renamed = await call(gateway, 'PATCH', `/admin/tenants/${hooli.id}`, { auth: operator, body: { name: 'Hooli XYZ' } });
    expect(renamed.body).toMatchObject({ name: 'Hooli XYZ', suspended: false, suspendedAt: null });

    const suspended = await call(gateway, 'PATCH', `/admin/tenants/${hooli.id}`, { auth: operator, body: { suspended: true } });
    expect(suspended.status).toBe(200);
    expect(suspended.body).toMatchObject({ suspended: true, suspendedAt: expect.any(String) });

    const refused = await chat(gateway, hooli.masterKey);
    expect(refused.status).toBe(423);
    expect(refused.body.error).toMatchObject({ code: 'tenant_suspended', type: 'permission_error', param: null });
    expect((await call(gateway, 'GET', '/customers', { auth: hooli.masterKey })).status).toBe(423);
    const messages = await call(gateway, 'POST', '/messages', {
      headers: { 'x-api-key': hooli.masterKey },
      body: { model: 'mock/echo', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] },
    });
    expect(messages.status).toBe(423);
    expect(messages.body).toMatchObject({
      type: 'error',
      error: { type: 'permission_error', message: expect.stringContaining('suspended') },
    });
    const member = await call(gateway, 'GET', '/keys', { auth: hooli.ownerToken, headers });
    expect(member.status).toBe(423);
    expect(member.body.error.code).toBe('tenant_suspended');

    const relogin = await call(gateway, 'POST', '/auth/login', {
      body: { email: 'gavin@hooli.test', password: 'gavin@hooli.test password' },
    });
    expect(relogin.status).toBe(200);
    expect(relogin.body.tenants).toEqual([{ id: hooli.id, name: 'Hooli XYZ', role: 'owner', suspended: true }]);
    const me = await call(gateway, 'GET', '/auth/me', { auth: relogin.body.token });
    expect(me.body.tenants[0].suspended).toBe(true);
    // Other tenants are untouched.
    expect((await chat(gateway, gateway.masterKey)).status).toBe(200);

    await call(gateway, 'PATCH', `/admin/tenants/${hooli.id}`, { auth: operator, body: { suspended: false } });
    expect((await chat(gateway, hooli.masterKey)).status).toBe(200);
    expect((await call(gateway, 'GET', '/keys', { auth: hooli.ownerToken, headers })).status).toBe(200);
    const log = await call(gateway, 'GET', '/audit-log', { auth: hooli.ownerToken, headers });
    expect(log.body.data.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining(['tenant.updated', 'tenant.suspended', 'tenant.resumed']),
    );
  });

  it('refuses to delete a tenant with working keys unless forced; deleting ends its keys and memberships', async () => {
    const doomed = await createTenant(gateway, operator, 'Doomed', 'last@doomed.test');
    expect((await chat(gateway, doomed.masterKey)).status).toBe(200);
    await flushUsage(gateway);
    const refused = await call(gateway, 'DELETE', `/admin/tenants/${doomed.id}`, { auth: operator });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('tenant_has_live_keys');
    expect((await chat(gateway, doomed.masterKey)).status).toBe(200);

    expect((await call(gateway, 'DELETE', `/admin/tenants/${doomed.id}?force=true`, { auth: operator })).status).toBe(204);
    // The tenant's audit log went with it: the deletion is in the server's log.
    expect(gateway.logs().find((line) => line.msg === 'tenant deleted by an operator')).toMatchObject({
      tenantId: doomed.id,
      tenantName: 'Doomed',
      workingKeys: 1,
      actor: 'owner@acme.test',
    });
    expect((await chat(gateway, doomed.masterKey)).status).toBe(401);
    expect((await call(gateway, 'GET', `/admin/tenants/${doomed.id}`, { auth: operator })).status).toBe(404);
    const relogin = await call(gateway, 'POST', '/auth/login', {
      body: { email: 'last@doomed.test', password: 'last@doomed.test password' },
    });
    expect(relogin.body.tenants).toEqual([]);

    // A tenant without keys goes without force.
    const empty = await call(gateway, 'POST', '/admin/tenants', { auth: operator, body: { name: 'Empty', ownerEmail: 'e@empty.test' } });
    expect((await call(gateway, 'DELETE', `/admin/tenants/${empty.body.id}`, { auth: operator })).status).toBe(204);
  });

  it('creates, lists, changes and deletes plans; a plan in use is not deleted (409)', async () => {
    const created = await call(gateway, 'POST', '/admin/plans', {
      auth: operator,
      body: {
        name: 'Pro',
        allowedModels: ['mock/*', 'openai/*'],
        limits: { costUsd: { month: 100 }, requestsPerMinute: 600 },
        maxConcurrentRequests: 10,
        modelMultipliers: { 'openai/gpt-4o': 1.2, '*': 1 },
      },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id: expect.stringMatching(/^pln_/),
      name: 'Pro',
      allowedModels: ['mock/*', 'openai/*'],
      limits: { costUsd: { day: null, month: 100, total: null }, requestsPerMinute: 600, tokensPerMinute: null },
      maxConcurrentRequests: 10,
      modelMultipliers: { 'openai/gpt-4o': 1.2, '*': 1 },
    });
    const id = created.body.id as string;
    expect((await call(gateway, 'POST', '/admin/plans', { auth: operator, body: { name: 'Pro' } })).status).toBe(409);
    expect(
      (await call(gateway, 'POST', '/admin/plans', { auth: operator, body: { name: 'Bad', modelMultipliers: { x: -1 } } })).status,
    ).toBe(400);
    expect(
      (await call(gateway, 'POST', '/admin/plans', { auth: operator, body: { name: 'Bad', limits: { costUsd: { week: 1 } } } })).status,
    ).toBe(400);

    const patched = await call(gateway, 'PATCH', `/admin/plans/${id}`, { auth: operator, body: { limits: { tokensPerMinute: 1000 } } });
    expect(patched.body.limits).toEqual({
      costUsd: { day: null, month: 100, total: null },
      requestsPerMinute: 600,
      tokensPerMinute: 1000,
      concurrentRequests: null,
    });
    expect(patched.body.allowedModels).toEqual(['mock/*', 'openai/*']);
    expect((await call(gateway, 'GET', '/admin/plans', { auth: operator })).body.data.map((p: { id: string }) => p.id)).toContain(id);
    expect((await call(gateway, 'GET', `/admin/plans/${id}`, { auth: operator })).body).toEqual(patched.body);
    expect((await call(gateway, 'PATCH', '/admin/plans/pln_nope', { auth: operator, body: { name: 'X' } })).status).toBe(404);

    const assigned = await call(gateway, 'PATCH', `/admin/tenants/${gateway.tenantId}`, { auth: operator, body: { planId: id } });
    expect(assigned.body.planId).toBe(id);
    const inUse = await call(gateway, 'DELETE', `/admin/plans/${id}`, { auth: operator });
    expect(inUse.status).toBe(409);
    expect(inUse.body.error.code).toBe('plan_in_use');
    await call(gateway, 'PATCH', `/admin/tenants/${gateway.tenantId}`, { auth: operator, body: { planId: null } });
    expect((await call(gateway, 'DELETE', `/admin/plans/${id}`, { auth: operator })).status).toBe(204);
    expect((await call(gateway, 'GET', `/admin/plans/${id}`, { auth: operator })).status).toBe(404);
  });
});
