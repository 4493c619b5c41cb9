// A plan's terms reach the request path: the effective limits are the stricter of the plan's and the tenant's own,
// field by field, and a model must be allowed by both; a plan's change applies at once. Against the mock provider.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, chat, login } from '../helpers/api.js';
import { DIALECTS } from '../helpers/databases.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { createTenant, makeOperator } from './operator-helpers.js';

describe.each(DIALECTS)('plans on the request path (%s)', { timeout: 60_000 }, (dialect) => {
  let gateway: TestGateway;
  let operator: string;

  beforeAll(async () => {
    gateway = await startGateway({ dialect });
    await makeOperator(gateway);
    operator = await login(gateway);
  });

  afterAll(async () => {
    await gateway?.close();
  });

  const plan = async (body: Record<string, unknown>) => {
    const created = await call(gateway, 'POST', '/admin/plans', { auth: operator, body });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return created.body.id as string;
  };

  it('refuses a model outside the plan with the answer a model outside the tenant’s list gets, and a plan change applies at once', async () => {
    const planId = await plan({ name: 'OpenAI only', allowedModels: ['openai/*'] });
    const tenant = await createTenant(gateway, operator, 'Models', 'm@models.test', planId);
    const refused = await chat(gateway, tenant.masterKey);
    expect(refused.status).toBe(403);
    expect(refused.body.error).toEqual({
      code: 'model_not_allowed',
      type: 'permission_error',
      param: 'model',
      message: 'The model "mock/echo" is not allowed for this tenant.',
    });
    // The same answer as the tenant's own list gives.
    const headers = { 'x-shuttle-tenant-id': tenant.id };
    await call(gateway, 'PATCH', `/admin/tenants/${tenant.id}`, { auth: operator, body: { planId: null } });
    await call(gateway, 'PATCH', '/tenant', { auth: tenant.ownerToken, headers, body: { allowedModels: ['openai/*'] } });
    expect((await chat(gateway, tenant.masterKey)).body.error).toEqual(refused.body.error);

    // Both lists must allow it: the tenant's mock/* and the plan's openai/* leave nothing.
    await call(gateway, 'PATCH', '/tenant', { auth: tenant.ownerToken, headers, body: { allowedModels: ['mock/*'] } });
    expect((await chat(gateway, tenant.masterKey)).status).toBe(200);
    await call(gateway, 'PATCH', `/admin/tenants/${tenant.id}`, { auth: operator, body: { planId } });
    expect((await chat(gateway, tenant.masterKey)).status).toBe(403);
    // The plan widened: allowed at once.
    await call(gateway, 'PATCH', `/admin/plans/${planId}`, { auth: operator, body: { allowedModels: ['openai/*', 'mock/echo'] } });
    expect((await chat(gateway, tenant.masterKey)).status).toBe(200);
    // A plan that allows every model leaves the tenant's own list in force.
    await call(gateway, 'PATCH', `/admin/plans/${planId}`, { auth: operator, body: { allowedModels: null } });
    await call(gateway, 'PATCH', '/tenant', { auth: tenant.ownerToken, headers, body: { allowedModels: ['openai/*'] } });
    expect((await chat(gateway, tenant.masterKey)).status).toBe(403);
    // /models lists what both allow.
    await call(gateway, 'PATCH', '/tenant', { auth: tenant.ownerToken, headers, body: { allowedModels: null } });
    await call(gateway, 'PATCH', `/admin/plans/${planId}`, { auth: operator, body: { allowedModels: ['openai/*'] } });
    const models = await call(gateway, 'GET', '/models', { auth: tenant.masterKey });
    expect(models.body.data.map((m: { id: string }) => m.id)).not.toContain('mock/echo');
  });

  it('limits requests by the plan’s rate when the tenant has none, and by the tenant’s own when it is stricter', async () => {
    const planId = await plan({ name: 'Two a minute', limits: { requestsPerMinute: 2 } });
    const planned = await createTenant(gateway, operator, 'Rated', 'r@rated.test', planId);
    expect((await chat(gateway, planned.masterKey)).status).toBe(200);
    expect((await chat(gateway, planned.masterKey)).status).toBe(200);
    const limited = await chat(gateway, planned.masterKey);
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('rate_limit_exceeded');

    const loose = await plan({ name: 'Ten a minute', limits: { requestsPerMinute: 10 } });
    const strict = await createTenant(gateway, operator, 'Strict', 's@strict.test', loose);
    await call(gateway, 'PATCH', '/tenant', {
      auth: strict.ownerToken,
      headers: { 'x-shuttle-tenant-id': strict.id },
      body: { limits: { requestsPerMinute: 1 } },
    });
    expect((await chat(gateway, strict.masterKey)).status).toBe(200);
    expect((await chat(gateway, strict.masterKey)).status).toBe(429);

    // The tenant's members see the plan and the limits in force.
    const tenant = await call(gateway, 'GET', '/tenant', { auth: strict.ownerToken, headers: { 'x-shuttle-tenant-id': strict.id } });
    expect(tenant.body.planTerms).toMatchObject({ id: loose, name: 'Ten a minute', allowedModels: null, maxConcurrentRequests: null });
    expect(tenant.body.planTerms.limits.requestsPerMinute).toBe(10);
    expect(tenant.body.limits.requestsPerMinute).toBe(1);
    expect(tenant.body.effectiveLimits.requestsPerMinute).toBe(1);
    const unplanned = await call(gateway, 'GET', '/tenant', { auth: operator });
    expect(unplanned.body.planTerms).toBeNull();
  });

  it('refuses with 402 once the plan’s cost limit is reached', async () => {
    // The mock provider's answers cost nothing, so a limit of any amount is reached only by a priced model: give the
    // tenant a price for mock/echo.
    const planId = await plan({ name: 'Tiny budget', limits: { costUsd: { day: 0.000001 } } });
    const tenant = await createTenant(gateway, operator, 'Budget', 'b@budget.test', planId);
    await call(gateway, 'PATCH', '/tenant', {
      auth: tenant.ownerToken,
      headers: { 'x-shuttle-tenant-id': tenant.id },
      body: { prices: { 'mock/echo': { input: 1000, output: 1000 } } },
    });
    let status = 200;
    for (let i = 0; i < 5 && status === 200; i++) status = (await chat(gateway, tenant.masterKey)).status;
    expect(status).toBe(402);
  });
});
