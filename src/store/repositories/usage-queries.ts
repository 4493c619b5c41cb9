// Aggregates usage for the usage API: from the daily rollups when the range is whole UTC days and no hourly detail
// is asked for, else from the raw events. Both paths return the same sums and latency histogram.
import { type RawBuilder, type SqlBool, sql } from 'kysely';
import { HISTOGRAM_SIZE, histogramColumns, LATENCY_BUCKETS_MS } from '../../domain/latency-histogram.js';
import type { Db } from '../database.js';
import { DAY_MS } from './usage-rollups.js';

export type UsageGroupBy = 'none' | 'day' | 'hour' | 'customer' | 'model' | 'key' | 'provider';
export const HOUR_MS = 3_600_000;

export interface UsageFilter {
  from: number;
  to: number;
  customerId?: string | undefined;
  keyId?: string | undefined;
  model?: string | undefined;
  provider?: string | undefined;
  /** `success` (< 400), `error` (>= 400), or one HTTP status. */
  status?: 'success' | 'error' | number | undefined;
}

export interface UsageAggregate {
  /** Epoch ms of the day or hour; a customer's external id; a model; a key id; a provider; null when ungrouped. */
  group: string | number | null;
  /** A readable name for key groups. */
  label: string | null;
  requests: number;
  errors: number;
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  /** The provider's cost. */
  costMicros: number;
  /** What the tenant was billed: the provider's cost scaled by its plan's model multipliers. */
  billedMicros: number;
  latencyMsSum: number;
  histogram: number[];
  /** Requests the response cache answered, and the provider cost they saved. */
  cacheHits: number;
  savedMicros: number;
}

type Source = 'usage_daily' | 'usage_events';

export function wholeDays(filter: UsageFilter): boolean {
  return filter.from % DAY_MS === 0 && filter.to % DAY_MS === 0;
}

export class UsageQueryRepository {
  constructor(private readonly db: Db) {}

  async aggregate(
    tenantId: string,
    filter: UsageFilter,
    groupBy: UsageGroupBy,
    limit: number,
  ): Promise<{ rows: UsageAggregate[]; source: Source }> {
    const source: Source = groupBy !== 'hour' && wholeDays(filter) ? 'usage_daily' : 'usage_events';
    const rows =
      source === 'usage_daily'
        ? await this.fromRollups(tenantId, filter, groupBy, limit)
        : await this.fromEvents(tenantId, filter, groupBy, limit);
    return { rows, source };
  }

  private async fromRollups(tenantId: string, filter: UsageFilter, groupBy: UsageGroupBy, limit: number): Promise<UsageAggregate[]> {
    const group: RawBuilder<unknown> = {
      none: sql<null>`null`,
      // Literals, not parameters: PostgreSQL must see the same expression in SELECT and GROUP BY, and SQLite must
      // divide integers (better-sqlite3 binds numbers as REAL).
      day: sql<number>`cast(usage_daily.day as bigint) * ${sql.lit(DAY_MS)}`,
      hour: sql<null>`null`,
      customer: sql<string>`customers.external_id`,
      model: sql<string>`usage_daily.model`,
      key: sql<string>`usage_daily.key_id`,
      provider: sql<string>`usage_daily.provider`,
    }[groupBy];
    let query = this.db
      .selectFrom('usage_daily')
      .leftJoin('customers', (join) => join.onRef('customers.id', '=', 'usage_daily.customer_id'))
      .leftJoin('api_keys', (join) => join.onRef('api_keys.id', '=', 'usage_daily.key_id'))
      .where('usage_daily.tenant_id', '=', tenantId)
      .where('usage_daily.day', '>=', Math.floor(filter.from / DAY_MS))
      .where('usage_daily.day', '<', Math.floor(filter.to / DAY_MS))
      .select([
        group.as('grp'),
        sql<string | null>`max(api_keys.name)`.as('label'),
        sql<number>`sum(usage_daily.requests)`.as('requests'),
        sql<number>`sum(case when usage_daily.status >= 400 then usage_daily.requests else 0 end)`.as('errors'),
        sql<number>`sum(usage_daily.prompt_tokens)`.as('prompt_tokens'),
        sql<number>`sum(usage_daily.completion_tokens)`.as('completion_tokens'),
        sql<number>`sum(usage_daily.cached_tokens)`.as('cached_tokens'),
        sql<number>`sum(usage_daily.cost_micros)`.as('cost_micros'),
        sql<number>`sum(usage_daily.billed_micros)`.as('billed_micros'),
        sql<number>`sum(usage_daily.latency_ms_sum)`.as('latency_ms_sum'),
        sql<number>`sum(usage_daily.cache_hits)`.as('cache_hits'),
        sql<number>`sum(usage_daily.saved_micros)`.as('saved_micros'),
        ...histogramColumns.map((column) => sql<number>`sum(${sql.ref(`usage_daily.${column}`)})`.as(column)),
      ])
      .where(this.filters(filter, 'usage_daily'));
    if (groupBy !== 'none') query = query.groupBy(group);
    return this.finish(await query.orderBy(this.order(groupBy)).limit(limit).execute(), groupBy);
  }

  private async fromEvents(tenantId: string, filter: UsageFilter, groupBy: UsageGroupBy, limit: number): Promise<UsageAggregate[]> {
    const group: RawBuilder<unknown> = {
      none: sql<null>`null`,
      day: sql<number>`(usage_events.created_at / ${sql.lit(DAY_MS)}) * ${sql.lit(DAY_MS)}`,
      hour: sql<number>`(usage_events.created_at / ${sql.lit(HOUR_MS)}) * ${sql.lit(HOUR_MS)}`,
      customer: sql<string>`customers.external_id`,
      model: sql<string>`coalesce(usage_events.requested_model, '')`,
      key: sql<string>`coalesce(usage_events.key_id, '')`,
      provider: sql<string>`coalesce(usage_events.provider, '')`,
    }[groupBy];
    const bucket = (i: number) => {
      const upper = LATENCY_BUCKETS_MS[i];
      const lower = i === 0 ? undefined : LATENCY_BUCKETS_MS[i - 1];
      if (lower === undefined) return sql<number>`sum(case when usage_events.latency_ms <= ${upper} then 1 else 0 end)`;
      if (upper === undefined) return sql<number>`sum(case when usage_events.latency_ms > ${lower} then 1 else 0 end)`;
      return sql<number>`sum(case when usage_events.latency_ms > ${lower} and usage_events.latency_ms <= ${upper} then 1 else 0 end)`;
    };
    let query = this.db
      .selectFrom('usage_events')
      .leftJoin('customers', (join) => join.onRef('customers.id', '=', 'usage_events.customer_id'))
      .leftJoin('api_keys', (join) => join.onRef('api_keys.id', '=', 'usage_events.key_id'))
      .where('usage_events.tenant_id', '=', tenantId)
      .where('usage_events.created_at', '>=', filter.from)
      .where('usage_events.created_at', '<', filter.to)
      .select([
        group.as('grp'),
        sql<string | null>`max(api_keys.name)`.as('label'),
        sql<number>`count(*)`.as('requests'),
        sql<number>`sum(case when usage_events.status >= 400 then 1 else 0 end)`.as('errors'),
        sql<number>`sum(usage_events.prompt_tokens)`.as('prompt_tokens'),
        sql<number>`sum(usage_events.completion_tokens)`.as('completion_tokens'),
        sql<number>`sum(usage_events.cached_tokens)`.as('cached_tokens'),
        sql<number>`sum(usage_events.cost_micros)`.as('cost_micros'),
        sql<number>`sum(usage_events.billed_micros)`.as('billed_micros'),
        sql<number>`sum(usage_events.latency_ms)`.as('latency_ms_sum'),
        sql<number>`sum(usage_events.cached)`.as('cache_hits'),
        sql<number>`sum(usage_events.saved_micros)`.as('saved_micros'),
        ...Array.from({ length: HISTOGRAM_SIZE }, (_, i) => bucket(i).as(histogramColumns[i] as string)),
      ])
      .where(this.filters(filter, 'usage_events'));
    if (groupBy !== 'none') query = query.groupBy(group);
    return this.finish(await query.orderBy(this.order(groupBy)).limit(limit).execute(), groupBy);
  }

  private filters(filter: UsageFilter, source: Source): RawBuilder<SqlBool> {
    const column = (name: string) => sql.ref(`${source}.${name}`);
    const conditions: RawBuilder<SqlBool>[] = [sql<SqlBool>`1 = 1`];
    if (filter.customerId !== undefined) conditions.push(sql<SqlBool>`${column('customer_id')} = ${filter.customerId}`);
    if (filter.keyId !== undefined) conditions.push(sql<SqlBool>`${column('key_id')} = ${filter.keyId}`);
    if (filter.model !== undefined)
      conditions.push(sql<SqlBool>`${column(source === 'usage_daily' ? 'model' : 'requested_model')} = ${filter.model}`);
    if (filter.provider !== undefined) conditions.push(sql<SqlBool>`${column('provider')} = ${filter.provider}`);
    if (filter.status === 'success') conditions.push(sql<SqlBool>`${column('status')} < 400`);
    else if (filter.status === 'error') conditions.push(sql<SqlBool>`${column('status')} >= 400`);
    else if (typeof filter.status === 'number') conditions.push(sql<SqlBool>`${column('status')} = ${filter.status}`);
    return sql<SqlBool>`(${sql.join(conditions, sql` and `)})`;
  }

  private order(groupBy: UsageGroupBy) {
    return groupBy === 'day' || groupBy === 'hour' ? sql`grp asc` : sql`billed_micros desc, requests desc`;
  }

  private finish(rows: Array<Record<string, unknown>>, groupBy: UsageGroupBy): UsageAggregate[] {
    return rows
      .filter((row) => Number(row.requests) > 0)
      .map((row) => ({
        group: groupBy === 'none' ? null : groupBy === 'day' || groupBy === 'hour' ? Number(row.grp) : ((row.grp as string | null) ?? ''),
        label: groupBy === 'key' ? ((row.label as string | null) ?? null) : null,
        requests: Number(row.requests),
        errors: Number(row.errors),
        promptTokens: Number(row.prompt_tokens),
        completionTokens: Number(row.completion_tokens),
        cachedTokens: Number(row.cached_tokens),
        costMicros: Number(row.cost_micros),
        billedMicros: Number(row.billed_micros ?? row.cost_micros),
        latencyMsSum: Number(row.latency_ms_sum),
        histogram: histogramColumns.map((column) => Number(row[column] ?? 0)),
        cacheHits: Number(row.cache_hits ?? 0),
        savedMicros: Number(row.saved_micros ?? 0),
      }));
  }
}

export type SpendScope = 'tenant' | 'key' | 'customer';

/**
 * What a tenant, key or customer spent — was billed — over rollup days [fromDay, toDay): the starting point of a
 * budget.
 */
export async function spentMicros(
  db: Db,
  tenantId: string,
  scope: SpendScope,
  scopeId: string,
  fromDay: number,
  toDay: number,
): Promise<number> {
  let query = db
    .selectFrom('usage_daily')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('billed_micros'), eb.lit(0)).as('spent'))
    .where('tenant_id', '=', tenantId)
    .where('day', '>=', fromDay)
    .where('day', '<', toDay);
  if (scope === 'key') query = query.where('key_id', '=', scopeId);
  if (scope === 'customer') query = query.where('customer_id', '=', scopeId);
  const row = await query.executeTakeFirst();
  return Number(row?.spent ?? 0);
}
