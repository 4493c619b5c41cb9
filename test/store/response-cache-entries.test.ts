// The response cache's database entries on both databases: read only while fresh and only for their tenant, replaced
// by a newer answer, cleared per tenant, and expired rows swept in bounded batches until none is left.
import { afterAll, describe, expect, it } from 'vitest';
import { CacheSweeper, SWEEP_BATCH } from '../../src/gateway/response-cache/cache-stores.js';
import { migrateToLatest, openDatabase } from '../../src/store/database.js';
import { ResponseCacheRepository } from '../../src/store/repositories/response-cache.js';
import { TenantRepository } from '../../src/store/repositories/tenants.js';
import { DIALECTS, freshDatabase, type TestDatabase } from '../helpers/databases.js';

const databases: TestDatabase[] = [];
afterAll(async () => {
  for (const database of databases) await database.drop();
});

describe.each(DIALECTS)('response cache entries (%s)', (dialect) => {
  it('reads fresh entries of their own tenant, replaces, clears per tenant, and sweeps expired ones in batches', async () => {
    const database = await freshDatabase(dialect);
    databases.push(database);
    const db = await openDatabase(database.url);
    await migrateToLatest(db, database.url);
    const tenants = new TenantRepository(db);
    const [a, b] = [await tenants.create({ name: 'A' }), await tenants.create({ name: 'B' })];
    const entries = new ResponseCacheRepository(db);
    const now = Date.now();

    await entries.put(a.id, 'k1', 'first', now, now + 60_000);
    await entries.put(a.id, 'k1', 'second', now, now + 60_000);
    expect(await entries.get(a.id, 'k1', now)).toBe('second');
    expect(await entries.get(b.id, 'k1', now)).toBeUndefined();
    expect(await entries.get(a.id, 'k1', now + 60_000)).toBeUndefined();

    const expired = SWEEP_BATCH * 2 + 7;
    await db
      .insertInto('response_cache')
      .values(
        Array.from({ length: expired }, (_, i) => ({ key: `old${i}`, tenant_id: b.id, entry: 'x', created_at: 0, expires_at: now - 1 })),
      )
      .execute();
    await entries.put(b.id, 'fresh', 'y', now, now + 60_000);
    const sweeper = new CacheSweeper(entries, 60_000, () => undefined);
    expect(await sweeper.sweep(now)).toBe(expired);
    const left = await db.selectFrom('response_cache').select('key').orderBy('key').execute();
    expect(left.map((row) => row.key)).toEqual(['fresh', 'k1']);

    expect(await entries.clear(b.id)).toBe(1);
    expect(await entries.get(a.id, 'k1', now)).toBe('second');
    await db.destroy();
  });
});
