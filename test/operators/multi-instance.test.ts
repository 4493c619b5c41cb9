// Suspension and plan changes made on one instance hold on another at once (PostgreSQL and Redis shared), though
// the other caches keys, sessions and tenant configuration for long.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBase62 } from '../../src/store/ids.js';
import { call, chat, login } from '../helpers/api.js';
import { REDIS_URL } from '../helpers/databases.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { pollUntil } from '../helpers/poll.js';
import { createTenant, makeOperator } from './operator-helpers.js';

describe('operators across two instances on PostgreSQL and Redis', { timeout: 60_000 }, () => {
  let a: TestGateway;
  let b: TestGateway;
  let operator: string;

  beforeAll(async () => {
    // A long key cache, so that only the invalidation message can make instance B forget a key.
    const env = { REDIS_URL, SHUTTLE_REDIS_PREFIX: `test-${randomBase62(8)}:`, SHUTTLE_KEY_CACHE_TTL_MS: '600000' };
    a = await startGateway({ dialect: 'postgres', env });
    b = await startGateway({ dialect: 'postgres', env, sharing: a });
    await makeOperator(a);
    operator = await login(a);
  });

  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  const within = <T>(read: () => Promise<T>, done: (value: T) => boolean) => pollUntil(read, done, { withinMs: 1000 });

  it('a tenant suspended on one instance gets 423 on the other within a second, for its keys and its members; resuming lifts it there too', async () => {
    const tenant = await createTenant(a, operator, 'Umbrella', 'alice@umbrella.test');
    const headers = { 'x-shuttle-tenant-id': tenant.id };
    // B has the key and the member's session cached.
    expect((await chat(b, tenant.masterKey)).status).toBe(200);
    expect((await call(b, 'GET', '/keys', { auth: tenant.ownerToken, headers })).status).toBe(200);

    await call(a, 'PATCH', `/admin/tenants/${tenant.id}`, { auth: operator, body: { suspended: true } });
    expect((await chat(a, tenant.masterKey)).status).toBe(423);
    expect(
      await within(
        async () => (await chat(b, tenant.masterKey)).status,
        (s) => s === 423,
      ),
      'B still serves the suspended key',
    ).toBe(423);
    const member = await within(
      async () => (await call(b, 'GET', '/keys', { auth: tenant.ownerToken, headers })).status,
      (s) => s === 423,
    );
    expect(member, 'B still serves the suspended tenant’s member').toBe(423);

    await call(a, 'PATCH', `/admin/tenants/${tenant.id}`, { auth: operator, body: { suspended: false } });
    expect(
      await within(
        async () => (await chat(b, tenant.masterKey)).status,
        (s) => s === 200,
      ),
      'B still refuses the resumed key',
    ).toBe(200);
    expect(
      await within(
        async () => (await call(b, 'GET', '/keys', { auth: tenant.ownerToken, headers })).status,
        (s) => s === 200,
      ),
    ).toBe(200);
  });

  it('a plan changed on one instance bounds the tenant’s models on the other within a second', async () => {
    const plan = await call(a, 'POST', '/admin/plans', { auth: operator, body: { name: 'Everything' } });
    const tenant = await createTenant(a, operator, 'Planned', 'p@planned.test', plan.body.id);
    expect((await chat(b, tenant.masterKey)).status).toBe(200);
    await call(a, 'PATCH', `/admin/plans/${plan.body.id}`, { auth: operator, body: { allowedModels: ['openai/*'] } });
    expect(
      await within(
        async () => (await chat(b, tenant.masterKey)).status,
        (s) => s === 403,
      ),
      'B still uses the old plan',
    ).toBe(403);
  });
});
