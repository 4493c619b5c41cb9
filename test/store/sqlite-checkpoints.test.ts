// Who copies SQLite's write-ahead log back into the database file: the usage writer, on its own thread, once the log
// holds 10,000 pages — never the event loop's connection while the usage writer is running.
import { statSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { migrateToLatest, openDatabase } from '../../src/store/database.js';
import { sqlitePath, USAGE_WRITER_CHECKPOINT_PAGES } from '../../src/store/dialects/sqlite.js';
import { SqliteUsageSink } from '../../src/store/dialects/sqlite-usage-sink.js';
import { newRequestId } from '../../src/store/ids.js';
import { TenantRepository } from '../../src/store/repositories/tenants.js';
import { toValues, type UsageEvent } from '../../src/store/repositories/usage-events.js';
import { freshDatabase, type TestDatabase } from '../helpers/databases.js';

let database: TestDatabase | undefined;
afterAll(async () => {
  await database?.drop();
});

const PAGE_BYTES = 4096;

function events(count: number, tenantId: string): UsageEvent[] {
  const now = Date.now();
  return Array.from({ length: count }, (_, i) => ({
    id: newRequestId(now + i),
    tenantId,
    keyId: null,
    customerId: `cus_${i % 100}`,
    environment: 'production',
    endpoint: 'chat.completions',
    requestedModel: 'gpt-4o-mini',
    provider: 'openai',
    servedModel: 'gpt-4o-mini',
    promptTokens: 19,
    completionTokens: 9,
    cachedTokens: 0,
    costMicros: 8,
    latencyMs: 1,
    upstreamMs: 0,
    ttftMs: null,
    streamed: false,
    status: 200,
    errorCode: null,
    createdAt: now + i,
    flowId: null,
    flowVersion: null,
  }));
}

describe('SQLite checkpoints', { timeout: 60_000 }, () => {
  it('happen on the usage writer once the log holds its threshold, not on the main connection', async () => {
    database = await freshDatabase('sqlite');
    const db = await openDatabase(database.url);
    await migrateToLatest(db, database.url);
    const tenant = await new TenantRepository(db).create({ name: 'Checkpoints' });
    const path = sqlitePath(database.url);
    const sink = new SqliteUsageSink(database.url);
    const walPages = () => statSync(`${path}-wal`).size / PAGE_BYTES;
    const databaseBytes = () => statSync(path).size;

    // Past SQLite's default threshold of 1,000 pages: nobody has copied the log into the database yet.
    const before = databaseBytes();
    // About a dozen batches; bounded, since a log checkpointed too early would never reach 1,500 pages.
    for (let batch = 0; walPages() < 1_500 && batch < 200; batch++) await sink.insertBatch(events(500, tenant.id).map(toValues));
    expect(walPages(), 'the write-ahead log stopped growing short of 1,500 pages: it was checkpointed').toBeGreaterThanOrEqual(1_500);
    expect(databaseBytes()).toBe(before);

    // A commit on the main connection with 1,500 pages in the log leaves them there.
    await new TenantRepository(db).create({ name: 'Committed on the main connection' });
    expect(databaseBytes()).toBe(before);

    // The usage writer checkpoints once the log reaches its own threshold.
    for (let batch = 0; databaseBytes() === before && walPages() < USAGE_WRITER_CHECKPOINT_PAGES + 1_000 && batch < 400; batch++) {
      await sink.insertBatch(events(500, tenant.id).map(toValues));
    }
    expect(databaseBytes(), 'the usage writer never checkpointed the log').toBeGreaterThan(before);

    sink.close();
    await db.destroy();
  });
});
