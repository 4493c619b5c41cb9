// usage_events' columns and an event as their values: its own module, so that the rollups (which usage-events.ts
// uses) can find column positions when they load instead of importing usage-events.ts back.
import type { UsageEventsTable } from '../schema.js';

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
  'cached',
  'saved_micros',
  'billed_micros',
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
