import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { sqlitePath } from '../../src/store/dialects/sqlite.js';
import { chat } from '../helpers/api.js';
import { DIALECTS, POSTGRES_URL, type TestDialect } from '../helpers/databases.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';

async function until(check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Holds the lock the usage writer needs, as a long migration, a VACUUM FULL or a stuck session would, while the
 * database still answers everything else: the writer's batch waits (PostgreSQL) or fails busy and is retried (SQLite).
 */
async function holdUsageLock(gateway: TestGateway, dialect: TestDialect): Promise<() => Promise<void>> {
  if (dialect === 'sqlite') {
    const holder = new BetterSqlite3(sqlitePath(gateway.database.url));
    holder.exec('BEGIN IMMEDIATE');
    return async () => {
      holder.exec('COMMIT');
      holder.close();
    };
  }
  const schema = new URL(gateway.database.url).searchParams.get('schema') as string;
  const holder = new pg.Client({ connectionString: POSTGRES_URL });
  await holder.connect();
  await holder.query('begin');
  await holder.query(`lock table "${schema}".usage_events in access exclusive mode`);
  return async () => {
    await holder.query('commit');
    await holder.end();
  };
}

const readiness = async (gateway: TestGateway) => {
  const response = await fetch(`${gateway.url}/readyz`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

describe.each(DIALECTS)('a stalled usage writer (%s)', { timeout: 120_000 }, (dialect) => {
  let gateway: TestGateway | undefined;
  afterEach(async () => {
    await gateway?.close();
  });

  it('makes /readyz answer 503 metering "stalled" while the database still answers, and ready again once it writes', async () => {
    gateway = await startGateway({ dialect, env: { SHUTTLE_USAGE_STALL_MS: '1000' } });
    const started = gateway;
    expect((await chat(started, started.masterKey)).status).toBe(200);
    await until(async () => started.shuttle.runtime.usageWriter.depth === 0);
    expect(await readiness(started)).toMatchObject({ status: 200, body: { status: 'ready', database: 'ok', metering: 'ok' } });

    const release = await holdUsageLock(started, dialect);
    try {
      expect((await chat(started, started.masterKey)).status).toBe(200);
      await until(async () => (await readiness(started)).status === 503);
      expect((await readiness(started)).body).toMatchObject({
        status: 'unavailable',
        database: 'ok',
        metering: 'stalled',
        usageQueueDepth: 1,
      });
    } finally {
      await release();
    }

    await until(async () => (await readiness(started)).status === 200);
    expect(await started.shuttle.runtime.repos.usageEvents.count(started.tenantId)).toBe(2);
  });
});
