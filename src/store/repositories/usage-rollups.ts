// Folds usage events into daily rollup rows (per customer, key, model, provider and status) and upserts them, so
// dashboards and the usage API read thousands of rows instead of millions.
import { sql } from 'kysely';
import { bucketOf, histogramColumns } from '../../domain/latency-histogram.js';
import type { Db } from '../database.js';
import { USAGE_EVENT_COLUMNS, type UsageEventValues } from './usage-event-columns.js';

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
  'cache_hits',
  'saved_micros',
  'billed_micros',
] as const;
/** Every column of usage_daily: its dimensions, then its sums. */
export const ROLLUP_COLUMNS: readonly string[] = [...DIMENSIONS, ...SUMS];
// 38 columns a row: 500 rows stay under SQLite's 32,766 bind parameters.
const ROWS_PER_STATEMENT = 500;

/** A rollup row as its values in ROLLUP_COLUMNS' order: its dimensions, then its sums. */
export type RollupValues = (string | number)[];

const ZERO_SUMS: readonly number[] = SUMS.map(() => 0);
const sumAt = (column: (typeof SUMS)[number]) => ROLLUP_COLUMNS.indexOf(column);
const [REQUESTS, PROMPT_TOKENS, COMPLETION_TOKENS, CACHED_TOKENS, COST, LATENCY_SUM, FIRST_BUCKET, CACHE_HITS, SAVED, BILLED] = [
  sumAt('requests'),
  sumAt('prompt_tokens'),
  sumAt('completion_tokens'),
  sumAt('cached_tokens'),
  sumAt('cost_micros'),
  sumAt('latency_ms_sum'),
  sumAt('h0'),
  sumAt('cache_hits'),
  sumAt('saved_micros'),
  sumAt('billed_micros'),
];

const eventAt = (column: (typeof USAGE_EVENT_COLUMNS)[number]) => USAGE_EVENT_COLUMNS.indexOf(column);
/** Where rollUp finds what it reads in an event's values. */
const EVENT = {
  tenant: eventAt('tenant_id'),
  key: eventAt('key_id'),
  customer: eventAt('customer_id'),
  model: eventAt('requested_model'),
  provider: eventAt('provider'),
  status: eventAt('status'),
  createdAt: eventAt('created_at'),
  prompt: eventAt('prompt_tokens'),
  completion: eventAt('completion_tokens'),
  cached: eventAt('cached_tokens'),
  cost: eventAt('cost_micros'),
  latency: eventAt('latency_ms'),
  cacheHit: eventAt('cached'),
  saved: eventAt('saved_micros'),
  billed: eventAt('billed_micros'),
} as const;

/**
 * Folds events (as their column values, the form the usage writers get them in) into rollup rows, one per day and
 * dimensions. Rows are arrays, not objects: an object of 35 properties built per row was dear (docs/benchmarks.md).
 */
export function rollUp(events: readonly UsageEventValues[]): RollupValues[] {
  const rows = new Map<string, RollupValues>();
  for (const e of events) {
    const dims = [
      e[EVENT.tenant] as string,
      Math.floor((e[EVENT.createdAt] as number) / DAY_MS),
      e[EVENT.customer] ?? '',
      e[EVENT.key] ?? '',
      e[EVENT.model] ?? '',
      e[EVENT.provider] ?? '',
      e[EVENT.status] as number,
    ] as RollupValues;
    const id = dims.join('\u0000');
    let row = rows.get(id);
    if (row === undefined) {
      row = dims.concat(ZERO_SUMS);
      rows.set(id, row);
    }
    const latencyMs = e[EVENT.latency] as number;
    add(row, REQUESTS, 1);
    add(row, PROMPT_TOKENS, e[EVENT.prompt] as number);
    add(row, COMPLETION_TOKENS, e[EVENT.completion] as number);
    add(row, CACHED_TOKENS, e[EVENT.cached] as number);
    add(row, COST, e[EVENT.cost] as number);
    add(row, LATENCY_SUM, latencyMs);
    add(row, FIRST_BUCKET + bucketOf(latencyMs), 1);
    add(row, CACHE_HITS, (e[EVENT.cacheHit] as number | undefined) ?? 0);
    add(row, SAVED, (e[EVENT.saved] as number | undefined) ?? 0);
    add(row, BILLED, (e[EVENT.billed] as number | undefined) ?? (e[EVENT.cost] as number));
  }
  return [...rows.values()];
}

function add(row: RollupValues, index: number, amount: number): void {
  row[index] = (row[index] as number) + amount;
}

/** Adds the rows to the rollups (inside the caller's transaction). */
export async function upsertRollups(db: Db, rows: readonly RollupValues[]): Promise<void> {
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    await db
      .insertInto('usage_daily')
      .values(rows.slice(i, i + ROWS_PER_STATEMENT).map(rollupRecord) as never)
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

function rollupRecord(values: RollupValues): Record<string, string | number> {
  return Object.fromEntries(ROLLUP_COLUMNS.map((column, i) => [column, values[i] as string | number]));
}
