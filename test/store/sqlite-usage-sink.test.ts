import { afterAll, describe, expect, it } from 'vitest';
import { migrateToLatest, openDatabase } from '../../src/store/database.js';
import { SqliteUsageSink } from '../../src/store/dialects/sqlite-usage-sink.js';
import { TenantRepository } from '../../src/store/repositories/tenants.js';
import { type UsageEvent, UsageEventRepository } from '../../src/store/repositories/usage-events.js';
import { freshDatabase, type TestDatabase } from '../helpers/databases.js';

const databases: TestDatabase[] = [];
afterAll(async () => {
  for (const database of databases) await database.drop();
});

async function prepared() {
  const database = await freshDatabase('sqlite');
  databases.push(database);
  const db = await openDatabase(database.url);
  await migrateToLatest(db, database.url);
  const tenant = await new TenantRepository(db).create({ name: 'T' });
  return { database, db, tenantId: tenant.id };
}

function events(tenantId: string): UsageEvent[] {
  return Array.from({ length: 300 }, (_, i) => ({
    id: `req_${i}`,
    tenantId,
    keyId: i % 2 === 0 ? 'key_a' : null,
    customerId: i % 3 === 0 ? 'cus_a' : null,
    environment: 'production',
    endpoint: 'chat.completions',
    requestedModel: i % 5 === 0 ? 'smart' : 'mock/echo',
    provider: 'mock',
    servedModel: 'echo',
    promptTokens: i,
    completionTokens: 2 * i,
    cachedTokens: 0,
    costMicros: 10 * i,
    latencyMs: i * 7,
    upstreamMs: 1,
    ttftMs: null,
    streamed: false,
    status: i % 17 === 0 ? 502 : 200,
    errorCode: null,
    createdAt: 1_790_000_000_000 + i * 600_000,
    flowId: null,
    flowVersion: null,
  }));
}

describe('the SQLite usage sink', () => {
  it('stores exactly what the portable repository stores, events and rollups, and skips a replayed batch', async () => {
    const portable = await prepared();
    const fast = await prepared();
    await new UsageEventRepository(portable.db).insertBatch(events(portable.tenantId));
    const sink = new SqliteUsageSink(fast.database.url);
    const batch = events(fast.tenantId);
    await sink.insertBatch(batch);
    await sink.insertBatch(batch.slice(0, 50));
    sink.close();

    const rollups = async (p: Awaited<ReturnType<typeof prepared>>) =>
      (await p.db.selectFrom('usage_daily').selectAll().orderBy(['day', 'customer_id', 'key_id', 'model', 'status']).execute()).map(
        ({ tenant_id: _t, ...row }) => row,
      );
    expect(await rollups(fast)).toEqual(await rollups(portable));
    expect(await new UsageEventRepository(fast.db).count(fast.tenantId)).toBe(300);
    const stored = await new UsageEventRepository(fast.db).listRecent(fast.tenantId, 1);
    expect(stored[0]).toEqual({ ...batch[299], tenantId: fast.tenantId });
    await portable.db.destroy();
    await fast.db.destroy();
  });
});
