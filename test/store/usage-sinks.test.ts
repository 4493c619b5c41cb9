// Each database's fast path for usage events against the portable repository (Kysely, one VALUES list).
import { afterAll, describe, expect, it } from 'vitest';
import type { BatchSink } from '../../src/store/batch-writer.js';
import { type Db, migrateToLatest, openDatabase } from '../../src/store/database.js';
import { PostgresUsageSink } from '../../src/store/dialects/postgres-usage-sink.js';
import { SqliteUsageSink } from '../../src/store/dialects/sqlite-usage-sink.js';
import { TenantRepository } from '../../src/store/repositories/tenants.js';
import type { UsageEventValues } from '../../src/store/repositories/usage-event-columns.js';
import { toValues, type UsageEvent, UsageEventRepository } from '../../src/store/repositories/usage-events.js';
import { freshDatabase, type TestDatabase } from '../helpers/databases.js';

const databases: TestDatabase[] = [];
afterAll(async () => {
  for (const database of databases) await database.drop();
});

type FastSink = (database: TestDatabase, db: Db) => { sink: BatchSink<UsageEventValues>; close(): void };

const FAST_SINKS: Record<'sqlite' | 'postgres', FastSink> = {
  sqlite: (database) => {
    const sink = new SqliteUsageSink(database.url);
    return { sink, close: () => sink.close() };
  },
  postgres: (_database, db) => ({ sink: new PostgresUsageSink(db), close: () => undefined }),
};

async function prepared(dialect: 'sqlite' | 'postgres') {
  const database = await freshDatabase(dialect);
  databases.push(database);
  const db = await openDatabase(database.url);
  await migrateToLatest(db, database.url);
  const tenant = await new TenantRepository(db).create({ name: 'T' });
  return { database, db, tenantId: tenant.id };
}

// Values that must come back as they went in: quotes, backslashes, commas, braces (PostgreSQL's array syntax), NULL as
// text, non-ASCII.
const AWKWARD = ['plain', 'with "quotes"', 'back\\slash', 'a,b', '{braces}', 'NULL', ' spaced ', 'ünïcödé'];

function events(tenantId: string): UsageEvent[] {
  return Array.from({ length: 300 }, (_, i) => ({
    id: `req_${i}`,
    tenantId,
    keyId: i % 2 === 0 ? 'key_a' : null,
    customerId: i % 3 === 0 ? 'cus_a' : null,
    environment: 'production',
    endpoint: 'chat.completions',
    requestedModel: AWKWARD[i % AWKWARD.length] as string,
    provider: 'mock',
    servedModel: i % 4 === 0 ? null : 'echo',
    promptTokens: i,
    completionTokens: 2 * i,
    cachedTokens: i % 3,
    costMicros: 10_000_000_000 + i, // above 32 bits: a bigint column
    latencyMs: i * 7,
    upstreamMs: i % 5 === 0 ? null : 1,
    ttftMs: i % 2 === 0 ? null : 4,
    streamed: i % 2 === 1,
    status: i % 17 === 0 ? 502 : 200,
    errorCode: i % 17 === 0 ? 'upstream_error' : null,
    createdAt: 1_790_000_000_000 + i * 600_000,
    flowId: i % 10 === 0 ? 'flow_a' : null,
    flowVersion: i % 10 === 0 ? 3 : null,
    cached: i % 6 === 1,
    savedMicros: i % 6 === 1 ? 5_000_000_000 + i : 0, // above 32 bits too
    billedMicros: i % 5 === 0 ? 20_000_000_000 + 2 * i : 10_000_000_000 + i, // a plan's multiplier of 2 on some
  }));
}

describe.each(['sqlite', 'postgres'] as const)('the %s usage sink', { timeout: 60_000 }, (dialect) => {
  it('stores exactly what the portable repository stores, events and rollups, and skips replayed events', async () => {
    const portable = await prepared(dialect);
    const fast = await prepared(dialect);
    await new UsageEventRepository(portable.db).insertBatch(events(portable.tenantId));
    const { sink, close } = FAST_SINKS[dialect](fast.database, fast.db);
    const batch = events(fast.tenantId);
    const values = batch.map(toValues);
    await sink.insertBatch(values.slice(0, 120));
    await sink.insertBatch(values); // the first 120 again, as a retried batch would: skipped, not rolled up twice
    await sink.insertBatch(values.slice(0, 50));
    await sink.insertBatch([]);
    close();

    const rollups = async (p: Awaited<ReturnType<typeof prepared>>) =>
      (await p.db.selectFrom('usage_daily').selectAll().orderBy(['day', 'customer_id', 'key_id', 'model', 'status']).execute()).map(
        ({ tenant_id: _t, ...row }) => row,
      );
    expect(await rollups(fast)).toEqual(await rollups(portable));
    // And what both fold, against sums worked out here: the comparison above cannot see a fault they share.
    const folded = await rollups(fast);
    const total = (column: string, rows = folded) => rows.reduce((sum, row) => sum + Number(row[column as keyof typeof row]), 0);
    expect(total('requests')).toBe(300);
    expect([total('prompt_tokens'), total('completion_tokens'), total('cached_tokens')]).toEqual([44_850, 89_700, 300]);
    expect([total('cost_micros'), total('latency_ms_sum')]).toEqual([3_000_000_044_850, 313_950]);
    expect([total('h0'), total('h1'), total('h21')]).toEqual([1, 1, 0]); // 0 ms, 7 ms; nothing over 60 s
    expect([total('cache_hits'), total('saved_micros')]).toEqual([50, 250_000_007_400]);
    // 60 events (i a multiple of 5) billed at twice their cost: 60 × 10^10 + the sum of those i (8,850) more.
    expect(total('billed_micros')).toBe(3_000_000_044_850 + 600_000_008_850);
    expect(
      total(
        'requests',
        folded.filter((row) => row.status === 502),
      ),
    ).toBe(18);
    expect(
      total(
        'requests',
        folded.filter((row) => row.customer_id === 'cus_a' && row.key_id === 'key_a'),
      ),
    ).toBe(50);
    expect(await new UsageEventRepository(fast.db).count(fast.tenantId)).toBe(300);
    const stored = new Map((await new UsageEventRepository(fast.db).listRecent(fast.tenantId, 300)).map((event) => [event.id, event]));
    for (const event of batch) expect(stored.get(event.id)).toEqual(event);
    // Each value in its own column, named here rather than through the code under test (a swap made both ways in
    // toValues and fromValues would read back unchanged).
    const rows = await fast.db.selectFrom('usage_events').selectAll().where('id', 'in', ['req_7', 'req_30']).orderBy('id').execute();
    const common = { tenant_id: fast.tenantId, environment: 'production', endpoint: 'chat.completions', provider: 'mock' };
    expect(
      rows.map((row) => ({
        ...row,
        cost_micros: Number(row.cost_micros),
        created_at: Number(row.created_at),
        saved_micros: Number(row.saved_micros),
        billed_micros: Number(row.billed_micros),
      })),
    ).toEqual([
      {
        ...common,
        id: 'req_30',
        key_id: 'key_a',
        customer_id: 'cus_a',
        requested_model: ' spaced ',
        served_model: 'echo',
        prompt_tokens: 30,
        completion_tokens: 60,
        cached_tokens: 0,
        cost_micros: 10_000_000_030,
        latency_ms: 210,
        upstream_ms: null,
        ttft_ms: null,
        streamed: 0,
        status: 200,
        error_code: null,
        created_at: 1_790_018_000_000,
        flow_id: 'flow_a',
        flow_version: 3,
        cached: 0,
        saved_micros: 0,
        billed_micros: 20_000_000_060,
      },
      {
        ...common,
        id: 'req_7',
        key_id: null,
        customer_id: null,
        requested_model: 'ünïcödé',
        served_model: 'echo',
        prompt_tokens: 7,
        completion_tokens: 14,
        cached_tokens: 1,
        cost_micros: 10_000_000_007,
        latency_ms: 49,
        upstream_ms: 1,
        ttft_ms: 4,
        streamed: 1,
        status: 200,
        error_code: null,
        created_at: 1_790_004_200_000,
        flow_id: null,
        flow_version: null,
        cached: 1,
        saved_micros: 5_000_000_007,
        billed_micros: 10_000_000_007,
      },
    ]);
    await portable.db.destroy();
    await fast.db.destroy();
  });
});
