// Folds usage events into daily rollup rows (per customer, key, model, provider and status) and upserts them, so
// dashboards and the usage API read thousands of rows instead of millions.
import { sql } from 'kysely';
import { bucketOf, histogramColumns } from '../../metering/latency-histogram.js';
import type { Db } from '../database.js';
import type { UsageEvent } from './usage-events.js';

export const DAY_MS = 86_400_000;

export const DIMENSIONS = ['tenant_id', 'day', 'customer_id', 'key_id', 'model', 'provider', 'status'] as const;
export const SUMS = [
  'requests',
  'prompt_tokens',
  'completion_tokens',
  'cached_tokens',
  'cost_micros',
  'latency_ms_sum',
  ...histogramColumns,
] as const;
/** Every column of usage_daily: its dimensions, then its sums. */
export const ROLLUP_COLUMNS: readonly string[] = [...DIMENSIONS, ...SUMS];
// 35 columns a row: 500 rows stay under SQLite's 32,766 bind parameters.
const ROWS_PER_STATEMENT = 500;

export type RollupRow = Record<(typeof DIMENSIONS)[number], string | number> & Record<(typeof SUMS)[number], number>;

export function rollUp(events: readonly UsageEvent[]): RollupRow[] {
  const rows = new Map<string, RollupRow>();
  for (const e of events) {
    const day = Math.floor(e.createdAt / DAY_MS);
    const dims = [e.tenantId, day, e.customerId ?? '', e.keyId ?? '', e.requestedModel ?? '', e.provider ?? '', e.status] as const;
    const key = dims.join('\u0000');
    let row = rows.get(key);
    if (!row) {
      row = Object.fromEntries([...DIMENSIONS.map((d, i) => [d, dims[i]]), ...SUMS.map((s) => [s, 0])]) as RollupRow;
      rows.set(key, row);
    }
    row.requests += 1;
    row.prompt_tokens += e.promptTokens;
    row.completion_tokens += e.completionTokens;
    row.cached_tokens += e.cachedTokens;
    row.cost_micros += e.costMicros;
    row.latency_ms_sum += e.latencyMs;
    const bucket = histogramColumns[bucketOf(e.latencyMs)] as (typeof histogramColumns)[number];
    row[bucket] = (row[bucket] ?? 0) + 1;
  }
  return [...rows.values()];
}

/** A rollup row's values in ROLLUP_COLUMNS' order, for the fast writers' positional parameters. */
export function rollupValues(row: RollupRow): unknown[] {
  return ROLLUP_COLUMNS.map((column) => row[column as keyof RollupRow]);
}

/** Adds the rows to the rollups (inside the caller's transaction). */
export async function upsertRollups(db: Db, rows: readonly RollupRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    await db
      .insertInto('usage_daily')
      .values(rows.slice(i, i + ROWS_PER_STATEMENT) as never)
      .onConflict((oc) =>
        oc
          .columns([...DIMENSIONS])
          .doUpdateSet(
            Object.fromEntries(
              SUMS.map((column) => [column, sql`${sql.ref(`usage_daily.${column}`)} + ${sql.ref(`excluded.${column}`)}`]),
            ) as never,
          ),
      )
      .execute();
  }
}
