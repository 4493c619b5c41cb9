import type { Worker } from 'node:worker_threads';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Db, migrateToLatest, openDatabase } from '../../src/store/database.js';
import { UsageEventRepository } from '../../src/store/repositories/usage-events.js';
import { WriterWorker } from '../../src/store/worker-sink.js';
import { type OwnPostgres, startOwnPostgres } from '../helpers/own-postgres.js';
import { usageEvent } from '../helpers/usage-event.js';

async function until(check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const threadOf = (writer: WriterWorker) => (writer as unknown as { current: { worker: Worker } | undefined }).current?.worker;

// An error event nobody listens to would end this process (and fail the run) as it would end the server: each test
// passes only if the connection's death is reported to the query that uses it, and to nothing else.
describe('a PostgreSQL connection terminated while checked out', { timeout: 120_000 }, () => {
  let postgres: OwnPostgres;
  let admin: pg.Client;
  let url: string;
  let db: Db;

  beforeAll(async () => {
    postgres = await startOwnPostgres();
    url = `${postgres.url}?schema=errors`;
    db = await openDatabase(url);
    await migrateToLatest(db, url);
    admin = new pg.Client({ connectionString: postgres.url });
    await admin.connect();
  });

  afterAll(async () => {
    await admin?.end();
    await db?.destroy();
    postgres?.destroy();
  });

  /** Terminates every backend of this cluster but the admin's own, and waits until they are gone. */
  async function terminateOthers(): Promise<number> {
    const others = `select pid from pg_stat_activity where backend_type = 'client backend' and pid <> pg_backend_pid()`;
    const { rows } = await admin.query(`select pg_terminate_backend(pid) from (${others}) as o`);
    await until(async () => (await admin.query(others)).rows.length === 0);
    return rows.length;
  }

  it('fails the transaction that holds it, idle between two statements, and the pool goes on with a new one', async () => {
    const transaction = db.transaction().execute(async (trx) => {
      await sql`select 1`.execute(trx);
      expect(await terminateOthers()).toBeGreaterThan(0);
      // Time for the socket's end to arrive while no query is running: pg emits 'error' on the checked-out client.
      await new Promise((resolve) => setTimeout(resolve, 300));
      await sql`select 2`.execute(trx);
    });
    await expect(transaction).rejects.toThrow();
    expect((await sql<{ one: number }>`select 1 as one`.execute(db)).rows).toEqual([{ one: 1 }]);
  });

  it('fails the work of a connection checked out outside a transaction, and the pool goes on', async () => {
    const work = db.connection().execute(async (connection) => {
      await sql`select 1`.execute(connection);
      await terminateOthers();
      await new Promise((resolve) => setTimeout(resolve, 300));
      await sql`select 2`.execute(connection);
    });
    await expect(work).rejects.toThrow();
    expect((await sql<{ one: number }>`select 1 as one`.execute(db)).rows).toEqual([{ one: 1 }]);
  });

  it('leaves the writer thread running when its backend is terminated between batches or during one', async () => {
    const writer = new WriterWorker(url);
    try {
      await writer.whenReady();
      const thread = threadOf(writer);
      const sink = writer.usageSink();
      await sink.insertBatch([usageEvent('req_a')]);

      await terminateOthers();
      await new Promise((resolve) => setTimeout(resolve, 300));
      // The pool dropped the dead idle connection: the next batch is written on a new one.
      await sink.insertBatch([usageEvent('req_b')]);

      // Terminated in the middle of a batch: the batch fails (for the BatchWriter to retry), the thread lives on.
      await admin.query('begin');
      await admin.query('lock table errors.usage_events in access exclusive mode');
      const held = sink.insertBatch([usageEvent('req_c')]).then(
        () => 'written',
        () => 'failed',
      );
      await until(async () => (await admin.query(`select 1 from pg_stat_activity where wait_event_type = 'Lock'`)).rows.length > 0);
      await admin.query(`select pg_terminate_backend(pid) from pg_stat_activity where wait_event_type = 'Lock'`);
      await admin.query('rollback');
      expect(await held).toBe('failed');
      await sink.insertBatch([usageEvent('req_c')]);

      expect(threadOf(writer)).toBe(thread);
      expect(await new UsageEventRepository(db).count('ten_1')).toBe(3);
    } finally {
      await writer.close();
    }
  });
});
