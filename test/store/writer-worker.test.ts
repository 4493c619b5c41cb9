import type { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { migrateToLatest, openDatabase } from '../../src/store/database.js';
import { type UsageEvent, UsageEventRepository } from '../../src/store/repositories/usage-events.js';
import { WriterWorker } from '../../src/store/worker-sink.js';
import { freshDatabase, type TestDatabase } from '../helpers/databases.js';

const event = (id: string): UsageEvent => ({
  id,
  tenantId: 'ten_1',
  keyId: null,
  customerId: null,
  environment: null,
  endpoint: 'chat.completions',
  requestedModel: 'mock/echo',
  provider: 'mock',
  servedModel: 'echo',
  promptTokens: 1,
  completionTokens: 1,
  cachedTokens: 0,
  costMicros: 0,
  latencyMs: 1,
  upstreamMs: 1,
  ttftMs: null,
  streamed: false,
  status: 200,
  errorCode: null,
  createdAt: 0,
});

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
      await sink.insertBatch([event('req_1')]);

      const inFlight = sink.insertBatch([event('req_2')]).then(
        () => 'written',
        () => 'failed, for the writer to retry',
      );
      await threadOf(writer).terminate();
      // Either the thread wrote it before it stopped or the batch fails: it never waits for an answer forever.
      expect(['written', 'failed, for the writer to retry']).toContain(await inFlight);

      await sink.insertBatch([event('req_2'), event('req_3')]);
      expect(await new UsageEventRepository(db).count('ten_1')).toBe(3);
    } finally {
      await writer.close();
      await db.destroy();
    }
  });
});
