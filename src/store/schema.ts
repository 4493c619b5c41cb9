// Table types for Kysely. Timestamps are epoch milliseconds, money is integer micro-dollars, JSON is stored as text:
// the same representation on SQLite and PostgreSQL.
import type { Generated } from 'kysely';

export type Role = 'owner' | 'admin' | 'member' | 'viewer';
export type KeyKind = 'master' | 'sub';

export interface TenantsTable {
  id: string;
  name: string;
  plan: string;
  settings: string;
  limits: Generated<string>;
  created_at: number;
  /** When an operator suspended the tenant; null while it is active. */
  suspended_at: number | null;
  /** The plan an operator gave the tenant (plans.id); null: none. */
  plan_id: string | null;
}

export interface PlansTable {
  id: string;
  name: string;
  allowed_models: string | null;
  limits: string;
  max_concurrent_requests: number | null;
  model_multipliers: string;
  created_at: number;
  updated_at: number;
}

export interface UsersTable {
  id: string;
  email: string;
  name: string | null;
  password_hash: string;
  token_version: Generated<number>;
  /** 1 while the password is one someone else set: every API call but changing it is refused. */
  must_change_password: Generated<number>;
  /** 1 for a server operator (docs/operators.md): manages tenants and plans under /api/v1/admin. */
  operator: Generated<number>;
  created_at: number;
}

export interface MembershipsTable {
  tenant_id: string;
  user_id: string;
  role: Role;
  created_at: number;
}

export interface InvitationsTable {
  id: string;
  tenant_id: string;
  email: string;
  name: string | null;
  role: Role;
  /** sha256 of the token, hex; the token itself is shown once to the inviter. */
  token_hash: string;
  invited_by: string | null;
  created_at: number;
  expires_at: number;
  accepted_at: number | null;
  accepted_by: string | null;
  revoked_at: number | null;
}

export interface ApiKeysTable {
  id: string;
  tenant_id: string;
  kind: KeyKind;
  name: string;
  hash: string;
  last4: string;
  environment: string;
  created_at: number;
  created_by: string | null;
  last_used_at: number | null;
  expires_at: number | null;
  revoked_at: number | null;
  limits: Generated<string>;
  /** JSON array of allowed model names or patterns; null allows every model. */
  allowed_models: string | null;
}

export interface CustomersTable {
  id: string;
  tenant_id: string;
  external_id: string;
  name: string | null;
  email: string | null;
  metadata: string;
  blocked: Generated<number>;
  limits: Generated<string>;
  created_at: number;
  last_seen_at: number | null;
}

type HistogramColumns = { [K in `h${number}`]: Generated<number> };

export interface UsageDailyTable extends HistogramColumns {
  tenant_id: string;
  day: number;
  customer_id: string;
  key_id: string;
  model: string;
  provider: string;
  status: number;
  requests: number;
  prompt_tokens: number;
  completion_tokens: number;
  cached_tokens: number;
  cost_micros: number;
  latency_ms_sum: number;
  cache_hits: number;
  saved_micros: number;
  /** What the tenant was billed: cost_micros scaled by its plan's model multiplier. */
  billed_micros: number;
}

export interface LimitAlertsTable {
  tenant_id: string;
  scope: string;
  scope_id: string;
  period: string;
  bucket: string;
  threshold: string;
  created_at: number;
}

export interface UsageEventsTable {
  id: string;
  tenant_id: string;
  key_id: string | null;
  customer_id: string | null;
  environment: string | null;
  endpoint: string;
  requested_model: string | null;
  provider: string | null;
  served_model: string | null;
  prompt_tokens: number;
  completion_tokens: number;
  cached_tokens: number;
  cost_micros: number;
  latency_ms: number;
  upstream_ms: number | null;
  ttft_ms: number | null;
  streamed: number;
  status: number;
  error_code: string | null;
  created_at: number;
  flow_id: string | null;
  flow_version: number | null;
  /** 1 when the response cache answered. */
  cached: number;
  saved_micros: number;
  /** What the tenant was billed: cost_micros (the provider's cost) scaled by its plan's model multiplier. */
  billed_micros: number;
}

export interface RequestLogTable {
  id: string;
  tenant_id: string;
  created_at: number;
  key_id: string | null;
  customer_id: string | null;
  environment: string | null;
  endpoint: string;
  requested_model: string | null;
  provider: string | null;
  served_model: string | null;
  prompt_tokens: number;
  completion_tokens: number;
  cached_tokens: number;
  cost_micros: number;
  latency_ms: number;
  upstream_ms: number | null;
  ttft_ms: number | null;
  streamed: number;
  status: number;
  error_code: string | null;
  flow_id: string | null;
  flow_version: number | null;
  level: string;
  attempt_count: number;
  attempts: string;
  metadata: string | null;
  preview: string | null;
  request_body: Uint8Array | null;
  request_bytes: number | null;
  request_truncated: number | null;
  response_body: Uint8Array | null;
  response_bytes: number | null;
  response_truncated: number | null;
}

/** A block of request log bodies, compressed (store/body-blocks.ts). */
export interface RequestLogBodiesTable {
  id: string;
  tenant_id: string;
  created_at: number;
  data: Uint8Array;
}

export type ActorType = 'user' | 'key' | 'system';

export interface AuditLogTable {
  id: string;
  tenant_id: string;
  actor_type: ActorType;
  actor_id: string | null;
  actor_label: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  details: string;
  ip: string | null;
  created_at: number;
}

export interface EnvironmentsTable {
  tenant_id: string;
  name: string;
  created_at: number;
}

export interface ProviderConnectionsTable {
  id: string;
  tenant_id: string;
  environment: string;
  name: string;
  type: string;
  base_url: string;
  options: string;
  encrypted_credentials: string;
  created_at: number;
  updated_at: number;
}

export interface McpServersTable {
  id: string;
  tenant_id: string;
  name: string;
  url: string;
  /** The headers sent to the server, as JSON encrypted by CredentialCipher. */
  encrypted_headers: string;
  created_at: number;
  updated_at: number;
}

export interface RoutingRulesTable {
  id: string;
  tenant_id: string;
  environment: string;
  alias: string;
  rule: string;
  created_at: number;
  updated_at: number;
}

export interface FlowsTable {
  id: string;
  tenant_id: string;
  slug: string;
  title: string;
  description: string | null;
  created_at: number;
  updated_at: number;
}

export interface FlowVersionsTable {
  flow_id: string;
  version: number;
  tenant_id: string;
  templates: string;
  description: string | null;
  created_by: string | null;
  created_at: number;
}

export interface FlowDeploymentsTable {
  flow_id: string;
  environment: string;
  tenant_id: string;
  version: number;
  activated_at: number;
  activated_by: string | null;
}

export interface FlowRunsTable {
  id: string;
  tenant_id: string;
  flow_id: string;
  version: number;
  environment: string;
  entrypoint: string;
  customer_id: string | null;
  request_id: string;
  status: 'succeeded' | 'failed';
  http_status: number;
  error_code: string | null;
  error_message: string | null;
  model: string | null;
  provider: string | null;
  prompt_tokens: number;
  completion_tokens: number;
  cost_micros: number;
  latency_ms: number;
  tags: string;
  parameters: string | null;
  messages: string | null;
  response: string | null;
  /** The run's tool calls as JSON (ToolCallRecord[]), absent for runs without tools (0011-flow-tools). */
  tool_calls: string | null;
  created_at: number;
}

/** A tenant's flow tool library (0011-flow-tools). */
export interface ToolsTable {
  id: string;
  tenant_id: string;
  name: string;
  description: string;
  type: string;
  /** JSON Schema of the arguments, as JSON. */
  parameters: string;
  /** The type-specific, non-secret settings, as JSON. */
  config: string;
  /** An http tool's headers, encrypted with the CredentialCipher; null when it has none. */
  encrypted_headers: string | null;
  created_at: number;
  updated_at: number;
}

export interface DeadLettersTable {
  id: string;
  kind: 'usage_event' | 'flow_run' | 'request_log_entry';
  record_id: string;
  tenant_id: string | null;
  /** The record as JSON text, every character PostgreSQL cannot store (NUL) escaped. */
  payload: string;
  error: string;
  error_code: string | null;
  created_at: number;
}

export interface StoredResponsesTable {
  id: string;
  tenant_id: string;
  /** JSON: the conversation's input items. */
  input: string;
  /** JSON: the response object. */
  response: string;
  created_at: number;
}

export interface ResponseCacheTable {
  key: string;
  tenant_id: string;
  entry: string;
  created_at: number;
  expires_at: number;
}

export interface ServerSettingsTable {
  key: string;
  value: string;
}

export interface Database {
  tenants: TenantsTable;
  plans: PlansTable;
  users: UsersTable;
  memberships: MembershipsTable;
  invitations: InvitationsTable;
  api_keys: ApiKeysTable;
  customers: CustomersTable;
  usage_events: UsageEventsTable;
  server_settings: ServerSettingsTable;
  audit_log: AuditLogTable;
  usage_daily: UsageDailyTable;
  limit_alerts: LimitAlertsTable;
  environments: EnvironmentsTable;
  provider_connections: ProviderConnectionsTable;
  routing_rules: RoutingRulesTable;
  flows: FlowsTable;
  flow_versions: FlowVersionsTable;
  flow_deployments: FlowDeploymentsTable;
  flow_runs: FlowRunsTable;
  dead_letters: DeadLettersTable;
  stored_responses: StoredResponsesTable;
  response_cache: ResponseCacheTable;
  request_log: RequestLogTable;
  request_log_bodies: RequestLogBodiesTable;
  mcp_servers: McpServersTable;
  tools: ToolsTable;
}
