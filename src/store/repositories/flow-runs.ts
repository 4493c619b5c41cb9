// The run log of flows: one row per run, with the rendered prompt and the answer kept for the tenant's retention
// period. Written in batches (a BatchWriter), idempotent by run id.
import type { Selectable } from 'kysely';
import type { Db } from '../database.js';
import type { FlowRunsTable } from '../schema.js';

export interface FlowRunRecord {
  id: string;
  tenantId: string;
  flowId: string;
  version: number;
  environment: string;
  entrypoint: string;
  customerId: string | null;
  requestId: string;
  status: 'succeeded' | 'failed';
  httpStatus: number;
  errorCode: string | null;
  errorMessage: string | null;
  model: string | null;
  provider: string | null;
  promptTokens: number;
  completionTokens: number;
  costMicros: number;
  latencyMs: number;
  tags: string[];
  /** null once the retention period has passed, or when the tenant keeps metadata only. */
  parameters: Record<string, unknown> | null;
  messages: unknown[] | null;
  response: string | null;
  /** The run's tool calls (name, arguments, status, latency, cut result); null for a run without tools. */
  toolCalls: unknown[] | null;
  createdAt: number;
}

export interface StoredRun extends FlowRunRecord {
  /** The customer's external id, when the run had a customer that still exists. */
  customerExternalId: string | null;
}

export interface RunFilter {
  version?: number | undefined;
  environment?: string | undefined;
  customerId?: string | undefined;
  status?: 'succeeded' | 'failed' | undefined;
}

const json = (value: unknown): string | null => (value === null ? null : JSON.stringify(value));

function toRecord(r: Selectable<FlowRunsTable> & { customer_external_id: string | null }): StoredRun {
  return {
    customerExternalId: r.customer_external_id,
    id: r.id,
    tenantId: r.tenant_id,
    flowId: r.flow_id,
    version: r.version,
    environment: r.environment,
    entrypoint: r.entrypoint,
    customerId: r.customer_id,
    requestId: r.request_id,
    status: r.status,
    httpStatus: r.http_status,
    errorCode: r.error_code,
    errorMessage: r.error_message,
    model: r.model,
    provider: r.provider,
    promptTokens: r.prompt_tokens,
    completionTokens: r.completion_tokens,
    costMicros: r.cost_micros,
    latencyMs: r.latency_ms,
    tags: JSON.parse(r.tags) as string[],
    parameters: r.parameters === null ? null : (JSON.parse(r.parameters) as Record<string, unknown>),
    messages: r.messages === null ? null : (JSON.parse(r.messages) as unknown[]),
    response: r.response,
    toolCalls: r.tool_calls === null ? null : (JSON.parse(r.tool_calls) as unknown[]),
    createdAt: r.created_at,
  };
}

export class FlowRunRepository {
  constructor(private readonly db: Db) {}

  async insertBatch(runs: readonly FlowRunRecord[]): Promise<void> {
    if (runs.length === 0) return;
    await this.db
      .insertInto('flow_runs')
      .values(
        runs.map((r) => ({
          id: r.id,
          tenant_id: r.tenantId,
          flow_id: r.flowId,
          version: r.version,
          environment: r.environment,
          entrypoint: r.entrypoint,
          customer_id: r.customerId,
          request_id: r.requestId,
          status: r.status,
          http_status: r.httpStatus,
          error_code: r.errorCode,
          error_message: r.errorMessage,
          model: r.model,
          provider: r.provider,
          prompt_tokens: r.promptTokens,
          completion_tokens: r.completionTokens,
          cost_micros: r.costMicros,
          latency_ms: r.latencyMs,
          tags: JSON.stringify(r.tags),
          parameters: json(r.parameters),
          messages: json(r.messages),
          response: r.response,
          tool_calls: json(r.toolCalls ?? null),
          created_at: r.createdAt,
        })),
      )
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
  }

  private runs(tenantId: string, flowId: string) {
    return this.db
      .selectFrom('flow_runs')
      .leftJoin('customers', 'customers.id', 'flow_runs.customer_id')
      .selectAll('flow_runs')
      .select('customers.external_id as customer_external_id')
      .where('flow_runs.tenant_id', '=', tenantId)
      .where('flow_runs.flow_id', '=', flowId);
  }

  async list(
    tenantId: string,
    flowId: string,
    filter: RunFilter,
    page: { limit: number; before?: { at: number; id: string } | undefined },
  ): Promise<StoredRun[]> {
    let query = this.runs(tenantId, flowId);
    if (filter.version !== undefined) query = query.where('flow_runs.version', '=', filter.version);
    if (filter.environment !== undefined) query = query.where('flow_runs.environment', '=', filter.environment);
    if (filter.customerId !== undefined) query = query.where('flow_runs.customer_id', '=', filter.customerId);
    if (filter.status !== undefined) query = query.where('flow_runs.status', '=', filter.status);
    const before = page.before;
    if (before) {
      query = query.where((eb) =>
        eb.or([
          eb('flow_runs.created_at', '<', before.at),
          eb.and([eb('flow_runs.created_at', '=', before.at), eb('flow_runs.id', '<', before.id)]),
        ]),
      );
    }
    const rows = await query.orderBy('flow_runs.created_at', 'desc').orderBy('flow_runs.id', 'desc').limit(page.limit).execute();
    return rows.map(toRecord);
  }

  async get(tenantId: string, flowId: string, runId: string): Promise<StoredRun | undefined> {
    const row = await this.runs(tenantId, flowId).where('flow_runs.id', '=', runId).executeTakeFirst();
    return row && toRecord(row);
  }

  /** Deletes the prompts and answers of a tenant's runs older than `before`; returns how many runs it cleared. */
  async clearBodies(tenantId: string, before: number): Promise<number> {
    const result = await this.db
      .updateTable('flow_runs')
      .set({ parameters: null, messages: null, response: null, tool_calls: null })
      .where('tenant_id', '=', tenantId)
      .where('created_at', '<', before)
      .where('messages', 'is not', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }
}
