// The API's answers as the dashboard reads them (docs/openapi.json is the full contract).
export type Role = 'owner' | 'admin' | 'member' | 'viewer';

export interface List<T> {
  data: T[];
  nextCursor: string | null;
}

export interface User {
  id: string;
  email: string;
  name: string | null;
  createdAt: string;
  /** The password was set by someone else: nothing works until it is changed. */
  mustChangePassword: boolean;
}

export interface TenantMembership {
  id: string;
  name: string;
  role: Role;
}

export interface LoginAnswer {
  token: string;
  expiresAt: string;
  user: User;
  tenants: TenantMembership[];
}

export interface Limits {
  costUsd: { day: number | null; month: number | null; total: number | null };
  requestsPerMinute: number | null;
  tokensPerMinute: number | null;
}

export interface ApiKey {
  id: string;
  name: string;
  kind: 'master' | 'sub';
  maskedKey: string;
  environment: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  limits: Limits;
  allowedModels: string[] | null;
}

export interface CreatedKey extends ApiKey {
  key: string;
}

export interface Tenant {
  id: string;
  name: string;
  plan: string;
  createdAt: string;
  limits: Limits;
  allowedModels: string[] | null;
}

export interface Customer {
  id: string;
  externalId: string;
  name: string | null;
  email: string | null;
  metadata: Record<string, unknown>;
  blocked: boolean;
  limits: Limits;
  createdAt: string;
  lastSeenAt: string | null;
}

export interface ListedCustomer extends Customer {
  requests: number;
  spendUsd: number;
  spendMicros: number;
}

export interface DetailedCustomer extends Customer {
  spendUsd: { day: number; month: number; total: number };
}

export interface UsageMetrics {
  requests: number;
  errors: number;
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  totalTokens: number;
  costMicros: number;
  costUsd: number;
  latencyAvgMs: number | null;
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
}

export interface UsageRow extends UsageMetrics {
  day?: string;
  hour?: string;
  customer?: string;
  model?: string;
  keyId?: string;
  keyName?: string | null;
  provider?: string;
}

export type GroupBy = 'none' | 'day' | 'hour' | 'customer' | 'model' | 'key' | 'provider';

export interface UsageReport {
  from: string;
  to: string;
  groupBy: GroupBy;
  data: UsageRow[];
  totals: UsageMetrics;
}

export interface Environment {
  name: string;
  builtIn: boolean;
  createdAt: string;
}

export interface ProviderConnection {
  id: string | null;
  name: string;
  type: string;
  environment: string | null;
  baseUrl: string;
  options: Record<string, string>;
  hasApiKey: boolean;
  credentialNames: string[];
  global: boolean;
}

export interface ConnectionTest {
  ok: boolean;
  latencyMs: number;
  model: string | null;
  error: { status: number; message: string; code: string } | null;
}

export type Strategy = 'fallback' | 'weighted' | 'least-latency';

export interface RoutingTarget {
  provider: string;
  model: string;
  weight: number;
  overrides?: Record<string, unknown>;
}

export interface RoutingRule {
  alias: string;
  environment: string;
  strategy: Strategy;
  targets: RoutingTarget[];
  retry: { attempts: number; backoffMs: number; on: number[] };
  timeoutMs: number | null;
  cooldown: { afterFailures: number; seconds: number };
}

export interface Member {
  userId: string;
  email: string;
  name: string | null;
  role: Role;
  createdAt: string;
}

export interface Invitation {
  id: string;
  email: string;
  name: string | null;
  role: Role;
  createdAt: string;
  expiresAt: string;
}

/** The answer to an invitation, the same whether or not the email has an account; the link is shown once. */
export interface CreatedInvitation extends Invitation {
  token: string;
  acceptUrl: string;
}

/** What the invitee sees before accepting. */
export interface InvitationSummary {
  tenantName: string;
  email: string;
  role: Role;
  expiresAt: string;
}

export interface AuditEntry {
  id: string;
  action: string;
  actor: { type: 'user' | 'key' | 'system'; id: string | null; label: string | null };
  target: { type: string | null; id: string | null };
  details: Record<string, unknown>;
  ip: string | null;
  createdAt: string;
}

export interface Flow {
  id: string;
  slug: string;
  title: string;
  description: string | null;
  latestVersion: number | null;
  /** The active version per environment. */
  environments: Record<string, number>;
  createdAt: string;
  updatedAt: string;
}

export interface FlowTemplate {
  template: string;
  userTemplate?: string;
  llm: string;
  temperature?: number;
  maxTokens?: number;
  fallbacks?: string[];
  responseSchema?: Record<string, unknown>;
}

export interface FlowVersion {
  flowId: string;
  version: number;
  description: string | null;
  templates: Record<string, FlowTemplate>;
  parameters: Array<{ name: string; templates: string[] }>;
  createdAt: string;
}

export interface EnvironmentDifference {
  flowId: string;
  slug: string;
  title: string;
  from: number | null;
  to: number | null;
}

export interface EnvironmentDiff {
  from: string;
  to: string;
  data: EnvironmentDifference[];
}

export interface FlowRunResult {
  id: string;
  flowId: string;
  version: number;
  environment: string;
  response: unknown;
  usage: { promptTokens: number; completionTokens: number };
  costUsd: number;
  milliseconds: number;
  model: string;
  provider: string;
}

export interface FlowRunSummary {
  id: string;
  flowId: string;
  version: number;
  environment: string;
  entrypoint: string;
  customer: string | null;
  requestId: string;
  status: 'succeeded' | 'failed';
  httpStatus: number;
  error: { code: string | null; message: string | null } | null;
  model: string | null;
  provider: string | null;
  usage: { promptTokens: number; completionTokens: number };
  costUsd: number;
  milliseconds: number;
  tags: string[];
  createdAt: string;
}
