import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, chat, login } from '../helpers/api.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { type OwnPostgres, startOwnPostgres } from '../helpers/own-postgres.js';

// Generous: reconnecting after the restart and the writer's backoff (up to 5 s) may take a while on a busy machine.
async function until(check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function expectDatabaseUnavailable(response: { status: number; body: { error?: { code?: string; type?: string } }; headers: Headers }) {
  expect(response.status).toBe(503);
  expect(response.body.error).toMatchObject({ code: 'database_unavailable', type: 'server_error' });
  expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
}

// The gateway's own PostgreSQL cluster, stopped and started again: the shared server is never touched.
describe('a PostgreSQL outage', { timeout: 240_000 }, () => {
  let postgres: OwnPostgres;
  let gateway: TestGateway;

  beforeAll(async () => {
    postgres = await startOwnPostgres();
    gateway = await startGateway({
      dialect: 'postgres',
      database: { url: `${postgres.url}?schema=outage`, drop: async () => undefined },
      captureLogs: true,
      env: { SHUTTLE_USAGE_FLUSH_MS: '50', SHUTTLE_KEY_CACHE_TTL_MS: '600000' },
    });
  });

  afterAll(async () => {
    try {
      postgres?.start();
    } catch {
      // running already
    }
    await gateway?.close();
    postgres?.destroy();
  });

  it('serves what is cached, answers the rest 503 database_unavailable with Retry-After, and recovers without a restart', async () => {
    const token = await login(gateway);
    const created = await call(gateway, 'POST', '/keys', { auth: token, body: { name: 'cold' } });
    expect(created.status).toBe(201);
    const coldKey = created.body.key as string;
    // Warm: the master key, the tenant's configuration and the customer "known".
    expect((await chat(gateway, gateway.masterKey, { 'x-shuttle-customer-id': 'known' })).status).toBe(200);
    expect((await chat(gateway, gateway.masterKey)).status).toBe(200);
    await until(async () => gateway.shuttle.runtime.usageWriter.depth === 0);

    postgres.stop();

    // Everything this request needs is cached: it is served, and its usage event waits for the database.
    expect((await chat(gateway, gateway.masterKey, { 'x-shuttle-customer-id': 'known' })).status).toBe(200);
    expect((await chat(gateway, gateway.masterKey)).status).toBe(200);
    // A key never seen, a customer never seen, a login, an admin page: all need the database.
    expectDatabaseUnavailable(await chat(gateway, coldKey));
    expectDatabaseUnavailable(await chat(gateway, gateway.masterKey, { 'x-shuttle-customer-id': 'first-seen' }));
    expectDatabaseUnavailable(
      await call(gateway, 'POST', '/auth/login', { body: { email: 'owner@acme.test', password: 'correct horse battery' } }),
    );
    expectDatabaseUnavailable(await call(gateway, 'GET', '/keys', { auth: token }));
    expect((await fetch(`${gateway.url}/readyz`)).status).toBe(503);
    expect(gateway.logs().some((line) => line.msg === 'unhandled error')).toBe(false);

    postgres.start();

    await until(async () => (await chat(gateway, coldKey)).status === 200);
    expect((await chat(gateway, gateway.masterKey, { 'x-shuttle-customer-id': 'first-seen' })).status).toBe(200);
    expect((await call(gateway, 'GET', '/keys', { auth: token })).status).toBe(200);
    await until(async () => gateway.shuttle.runtime.usageWriter.depth === 0);
    expect((await fetch(`${gateway.url}/readyz`)).status).toBe(200);
    // The events of the outage were written once the database was back: the two requests served, and the one whose
    // key authenticated but whose customer could not be looked up (the cold key's tenant is unknown: not metered).
    const stored = await gateway.shuttle.runtime.repos.usageEvents.listRecent(gateway.tenantId, 100);
    expect(stored.filter((event) => event.status === 200)).toHaveLength(6);
    expect(stored.filter((event) => event.errorCode === 'database_unavailable').map((event) => event.status)).toEqual([503]);
  });
});
