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

export function toRow(e: UsageEvent): UsageEventsTable {
  return {
    id: e.id,
    tenant_id: e.tenantId,
    key_id: e.keyId,
    customer_id: e.customerId,
    environment: e.environment,
    endpoint: e.endpoint,
    requested_model: e.requestedModel,
    provider: e.provider,
    served_model: e.servedModel,
    prompt_tokens: e.promptTokens,
    completion_tokens: e.completionTokens,
    cached_tokens: e.cachedTokens,
    cost_micros: e.costMicros,
    latency_ms: e.latencyMs,
    upstream_ms: e.upstreamMs,
    ttft_ms: e.ttftMs,
    streamed: e.streamed ? 1 : 0,
    status: e.status,
    error_code: e.errorCode,
    created_at: e.createdAt,
    flow_id: e.flowId ?? null,
    flow_version: e.flowVersion ?? null,
  };
}

/** The columns of usage_events, in toRow's order: the fast per-database writers build their statements from it. */
export const USAGE_EVENT_COLUMNS: readonly string[] = Object.keys(toRow({} as UsageEvent));

function toEvent(r: UsageEventsTable): UsageEvent {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    keyId: r.key_id,
    customerId: r.customer_id,
    environment: r.environment,
    endpoint: r.endpoint,
    requestedModel: r.requested_model,
    provider: r.provider,
    servedModel: r.served_model,
    promptTokens: r.prompt_tokens,
    completionTokens: r.completion_tokens,
    cachedTokens: r.cached_tokens,
    costMicros: r.cost_micros,
    latencyMs: r.latency_ms,
    upstreamMs: r.upstream_ms,
    ttftMs: r.ttft_ms,
    streamed: r.streamed === 1,
    status: r.status,
    errorCode: r.error_code,
    createdAt: r.created_at,
    flowId: r.flow_id,
    flowVersion: r.flow_version,
  };
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
      await upsertRollups(trx, rollUp(events.filter((event) => inserted.has(event.id))));
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
