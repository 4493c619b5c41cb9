import type { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { migrateToLatest, openDatabase } from '../../src/store/database.js';
import { UsageEventRepository } from '../../src/store/repositories/usage-events.js';
import { WriterWorker } from '../../src/store/worker-sink.js';
import { freshDatabase, type TestDatabase } from '../helpers/databases.js';
import { usageEvent } from '../helpers/usage-event.js';

// Nothing public can make the thread die (it catches every failure of a write); a test ends it as a crash would.
const threadOf = (writer: WriterWorker) => (writer as unknown as { current: { worker: Worker } }).current.worker;

describe('the writer thread', () => {
  let database: TestDatabase | undefined;
  afterEach(async () => {
    await database?.drop();
  });

  it('is started again when it has stopped, so that writing goes on', async () => {
    database = await freshDatabase('sqlite');
    const db = await openDatabase(database.url);
    await migrateToLatest(db, database.url);
    const writer = new WriterWorker(database.url);
    try {
      await writer.whenReady();
      const sink = writer.usageSink();
      await sink.insertBatch([usageEvent('req_1')]);

      const inFlight = sink.insertBatch([usageEvent('req_2')]).then(
        () => 'written',
        () => 'failed, for the writer to retry',
      );
      await threadOf(writer).terminate();
      // Either the thread wrote it before it stopped or the batch fails: it never waits for an answer forever.
      expect(['written', 'failed, for the writer to retry']).toContain(await inFlight);

      await sink.insertBatch([usageEvent('req_2'), usageEvent('req_3')]);
      expect(await new UsageEventRepository(db).count('ten_1')).toBe(3);
    } finally {
      await writer.close();
      await db.destroy();
    }
  });

  it('fails the batches waiting for a thread that ends before it is ready, instead of leaving them waiting forever', async () => {
    database = await freshDatabase('sqlite');
    const db = await openDatabase(database.url);
    await migrateToLatest(db, database.url);
    const writer = new WriterWorker(database.url);
    try {
      const sink = writer.usageSink();
      const waiting = sink.insertBatch([usageEvent('req_1')]).then(
        () => 'written',
        () => 'failed, for the writer to retry',
      );
      // Terminated while it loads: no 'error' event, only 'exit'.
      await threadOf(writer).terminate();
      const hung = new Promise((resolve) => setTimeout(resolve, 30_000, 'still waiting')).then(String);
      expect(['written', 'failed, for the writer to retry']).toContain(await Promise.race([waiting, hung]));

      await sink.insertBatch([usageEvent('req_1')]);
      expect(await new UsageEventRepository(db).count('ten_1')).toBe(1);
    } finally {
      await writer.close();
      await db.destroy();
    }
  });
});
