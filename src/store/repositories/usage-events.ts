// One row per metered request. Written in batches by a BatchWriter, never on the response path.
import type { Db } from '../database.js';
import type { UsageEventsTable } from '../schema.js';
import { USAGE_EVENT_COLUMNS, type UsageEventValues } from './usage-event-columns.js';
import { rollUp, upsertRollups } from './usage-rollups.js';

export interface UsageEvent {
  id: string;
  tenantId: string;
  keyId: string | null;
  customerId: string | null;
  environment: string | null;
  endpoint: string;
  requestedModel: string | null;
  provider: string | null;
  servedModel: string | null;
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  costMicros: number;
  latencyMs: number;
  upstreamMs: number | null;
  ttftMs: number | null;
  streamed: boolean;
  status: number;
  errorCode: string | null;
  createdAt: number;
  /** Set for flow runs. */
  flowId?: string | null;
  flowVersion?: number | null;
  /** Answered from the response cache (docs/cache.md); absent on events written before it. */
  cached?: boolean;
  /** The provider cost the cache saved (a hit's original cost minus what it was charged). */
  savedMicros?: number;
  /** What the tenant is billed: costMicros (the provider's) scaled by its plan's multiplier; absent: costMicros. */
  billedMicros?: number;
}

export function toValues(e: UsageEvent): UsageEventValues {
  return [
    e.id,
    e.tenantId,
    e.keyId,
    e.customerId,
    e.environment,
    e.endpoint,
    e.requestedModel,
    e.provider,
    e.servedModel,
    e.promptTokens,
    e.completionTokens,
    e.cachedTokens,
    e.costMicros,
    e.latencyMs,
    e.upstreamMs,
    e.ttftMs,
    e.streamed ? 1 : 0,
    e.status,
    e.errorCode,
    e.createdAt,
    e.flowId ?? null,
    e.flowVersion ?? null,
    e.cached ? 1 : 0,
    e.savedMicros ?? 0,
    e.billedMicros ?? e.costMicros,
  ];
}

export function fromValues(values: UsageEventValues): UsageEvent {
  const [
    id,
    tenantId,
    keyId,
    customerId,
    environment,
    endpoint,
    requestedModel,
    provider,
    servedModel,
    promptTokens,
    completionTokens,
    cachedTokens,
    costMicros,
    latencyMs,
    upstreamMs,
    ttftMs,
    streamed,
    status,
    errorCode,
    createdAt,
    flowId,
    flowVersion,
    cached,
    savedMicros,
    billedMicros,
  ] = values;
  return {
    id,
    tenantId,
    keyId,
    customerId,
    environment,
    endpoint,
    requestedModel,
    provider,
    servedModel,
    promptTokens,
    completionTokens,
    cachedTokens,
    costMicros,
    latencyMs,
    upstreamMs,
    ttftMs,
    streamed: streamed === 1,
    status,
    errorCode,
    createdAt,
    flowId,
    flowVersion,
    // Journal lines written before the cache existed have neither.
    cached: cached === 1,
    savedMicros: savedMicros ?? 0,
    // Journal lines written before billing existed were billed at their cost.
    billedMicros: billedMicros ?? costMicros,
  };
}

function toRow(e: UsageEvent): UsageEventsTable {
  const values = toValues(e);
  return Object.fromEntries(USAGE_EVENT_COLUMNS.map((column, i) => [column, values[i]])) as unknown as UsageEventsTable;
}

function toEvent(row: UsageEventsTable): UsageEvent {
  return fromValues(USAGE_EVENT_COLUMNS.map((column) => row[column]) as unknown as UsageEventValues);
}

// PostgreSQL allows 65,535 bind parameters per statement; 20 columns a row keeps a chunk well below that.
const ROWS_PER_STATEMENT = 1000;

export class UsageEventRepository {
  constructor(private readonly db: Db) {}

  /**
   * Inserts a batch and adds it to the daily rollups, atomically. An event already stored (same id) is skipped and
   * not rolled up again, so a batch retried after an ambiguous failure never counts twice.
   */
  async insertBatch(events: readonly UsageEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.db.transaction().execute(async (trx) => {
      const inserted = new Set<string>();
      for (let i = 0; i < events.length; i += ROWS_PER_STATEMENT) {
        const rows = events.slice(i, i + ROWS_PER_STATEMENT).map(toRow);
        const ids = await trx
          .insertInto('usage_events')
          .values(rows)
          .onConflict((oc) => oc.column('id').doNothing())
          .returning('id')
          .execute();
        for (const { id } of ids) inserted.add(id);
      }
      await upsertRollups(trx, rollUp(events.filter((event) => inserted.has(event.id)).map(toValues)));
    });
  }

  async listRecent(tenantId: string, limit = 100): Promise<UsageEvent[]> {
    const rows = await this.db
      .selectFrom('usage_events')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .orderBy('created_at', 'desc')
      .limit(limit)
      .execute();
    return rows.map(toEvent);
  }

  async count(tenantId: string): Promise<number> {
    const row = await this.db
      .selectFrom('usage_events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('tenant_id', '=', tenantId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}
