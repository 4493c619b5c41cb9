import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, login } from '../helpers/api.js';
import { POSTGRES_URL } from '../helpers/databases.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { pollUntil } from '../helpers/poll.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';

const hello = { model: 'mock/echo', messages: [{ role: 'user', content: 'hello' }] };

// Generous: after the outage the writer's backoff (up to 5 s) and the reconnection may take a while on a busy machine.
const SLOW = { withinMs: 40_000, everyMs: 100 };

describe('usage events survive a database outage', { timeout: 120_000 }, () => {
  let proxy: TcpProxy;
  let gateway: TestGateway;

  beforeAll(async () => {
    proxy = await startTcpProxy('127.0.0.1', 5432);
    gateway = await startGateway({
      dialect: 'postgres',
      captureLogs: true,
      connectVia: (url) => url.replace('127.0.0.1:5432', `127.0.0.1:${proxy.port}`),
      env: { SHUTTLE_USAGE_QUEUE_MAX: '12', SHUTTLE_USAGE_FLUSH_MS: '50' },
    });
  });

  afterAll(async () => {
    proxy.restore();
    await gateway?.close();
    await proxy?.close();
  });

  const rows = () => gateway.shuttle.runtime.repos.usageEvents.count(gateway.tenantId);

  it('keeps serving from warm caches, queues events, refuses with 503 when the queue is full, and writes everything once the database is back', async () => {
    for (let i = 0; i < 3; i++)
      expect((await call(gateway, 'POST', '/chat/completions', { auth: gateway.masterKey, body: hello })).status).toBe(200);
    expect(await pollUntil(rows, (count) => count === 3, SLOW), 'usage events stored before the outage').toBe(3);

    proxy.cut();
    const statuses: number[] = [];
    for (let i = 0; i < 15; i++)
      statuses.push((await call(gateway, 'POST', '/chat/completions', { auth: gateway.masterKey, body: hello })).status);
    expect(statuses.slice(0, 12)).toEqual(Array(12).fill(200));
    expect(statuses.slice(12)).toEqual([503, 503, 503]);
    const full = await call(gateway, 'POST', '/chat/completions', { auth: gateway.masterKey, body: hello });
    expect(full.body.error.code).toBe('usage_queue_full');
    expect(full.headers.get('retry-after')).toBe('1');

    expect((await fetch(`${gateway.url}/readyz`)).status).toBe(503);
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(metrics).toMatch(/shuttle_usage_queue_depth 1[2-9]/);
    expect(gateway.logs().some((line) => String(line.msg).includes('usage queue is full'))).toBe(true);

    // The queue holds no more than its bound: the refusals are counted, not queued.
    expect(gateway.shuttle.runtime.usageWriter.depth).toBe(12);
    expect(metrics).toContain('shuttle_usage_queue_full_total{outcome="request_refused"} 4');
    expect(metrics).toContain('shuttle_usage_queue_full_total{outcome="event_not_queued"} 4');

    proxy.restore();
    // The 12 admitted while the database was away.
    const left = await pollUntil(
      () => gateway.shuttle.runtime.usageWriter.depth,
      (depth) => depth === 0,
      SLOW,
    );
    expect(left, 'usage events still queued after the database came back').toBe(0);
    const stored = await gateway.shuttle.runtime.repos.usageEvents.listRecent(gateway.tenantId, 100);
    expect(stored.filter((event) => event.status === 200)).toHaveLength(15);
    expect(stored.filter((event) => event.status === 503)).toHaveLength(0);
    expect((await fetch(`${gateway.url}/readyz`)).status).toBe(200);
    // An outage is not a refusal: nothing was set aside.
    expect(await gateway.shuttle.runtime.repos.deadLetters.list()).toEqual([]);
    expect(await (await fetch(`${gateway.url}/metrics`)).text()).toContain('shuttle_dead_letters_total{kind="usage_event"} 0');
  });

  /**
   * Terminates, as an operator or a failover would, this gateway's PostgreSQL backends that are in the middle of a
   * statement on `table`: the statement is held in a lock wait while `start()` runs. Only the gateway's own backends
   * are touched: those connected through the proxy, found by their client port.
   */
  async function terminateMidStatement(table: string, start: () => Promise<unknown>): Promise<void> {
    const schema = new URL(gateway.database.url).searchParams.get('schema') as string;
    const admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    try {
      await admin.query('begin');
      await admin.query(`lock table "${schema}".${table} in access exclusive mode`);
      const started = start();
      const waiting = `select pid from pg_stat_activity where client_addr = '127.0.0.1' and client_port = any($1::int[]) and wait_event_type = 'Lock'`;
      const blocked = await pollUntil(
        async () => (await admin.query(waiting, [proxy.upstreamPorts()])).rows.length,
        (count) => count > 0,
        SLOW,
      );
      expect(blocked, `no statement of the gateway's waited on the lock of ${table}`).toBeGreaterThan(0);
      await admin.query(`select pg_terminate_backend(pid) from (${waiting}) as w`, [proxy.upstreamPorts()]);
      await started;
    } finally {
      await admin.query('rollback').catch(() => undefined);
      await admin.end();
    }
  }

  it('retries, and sets nothing aside, a batch whose connection the database terminates in the middle of the write', async () => {
    const before = await rows();
    const writer = gateway.shuttle.runtime.usageWriter;
    const failedBefore = writer.stats.failedBatches;
    await terminateMidStatement('usage_events', async () => {
      for (let i = 0; i < 5; i++) await call(gateway, 'POST', '/chat/completions', { auth: gateway.masterKey, body: hello });
    });
    expect(await pollUntil(rows, (count) => count === before + 5, SLOW), 'usage events stored after the retried batch').toBe(before + 5);
    expect(writer.stats.failedBatches).toBeGreaterThan(failedBefore);
    expect(await gateway.shuttle.runtime.repos.deadLetters.list()).toEqual([]);
  });

  it('keeps running when the database terminates the connection of a request in the middle of its transaction', async () => {
    const token = await login(gateway);
    let answered: number | undefined;
    // Creating a key writes the key and its audit entry in one transaction.
    await terminateMidStatement('api_keys', async () => {
      answered = (await call(gateway, 'POST', '/keys', { auth: token, body: { name: 'during' } })).status;
    });
    expect(answered).toBeGreaterThanOrEqual(500);
    expect((await call(gateway, 'POST', '/keys', { auth: token, body: { name: 'after' } })).status).toBe(201);
    expect((await call(gateway, 'POST', '/chat/completions', { auth: gateway.masterKey, body: hello })).status).toBe(200);
  });
});
