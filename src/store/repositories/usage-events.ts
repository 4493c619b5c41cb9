// One row per metered request. Written in batches by a BatchWriter, never on the response path.
import type { Db } from '../database.js';
import type { UsageEventsTable } from '../schema.js';
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
}

/** usage_events' columns, in the order of an event's values (UsageEventValues). */
export const USAGE_EVENT_COLUMNS = [
  'id',
  'tenant_id',
  'key_id',
  'customer_id',
  'environment',
  'endpoint',
  'requested_model',
  'provider',
  'served_model',
  'prompt_tokens',
  'completion_tokens',
  'cached_tokens',
  'cost_micros',
  'latency_ms',
  'upstream_ms',
  'ttft_ms',
  'streamed',
  'status',
  'error_code',
  'created_at',
  'flow_id',
  'flow_version',
] as const satisfies readonly (keyof UsageEventsTable)[];

type ColumnValues<Columns extends readonly string[]> = {
  -readonly [I in keyof Columns]: Columns[I] extends keyof UsageEventsTable ? UsageEventsTable[Columns[I]] : never;
};

/**
 * An event as its column values, in USAGE_EVENT_COLUMNS' order: the form in which batches cross to the writer worker
 * (as JSON text, see worker-sink.ts) and are bound to the fast writers' statements. An object would carry its 22
 * property names with every event and be rebuilt key by key on the other side.
 */
export type UsageEventValues = ColumnValues<typeof USAGE_EVENT_COLUMNS>;

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
