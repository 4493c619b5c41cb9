// The API's answers and requests as the dashboard names them, all taken from schema.d.ts (generated from
// docs/openapi.json by `npm run docs`): a server change that breaks the dashboard fails its type-check.
import type { paths } from './schema';

/** A path of the published API. */
export type ApiPath = keyof paths;

type Operation<P extends ApiPath, M extends keyof paths[P]> = paths[P][M];
type JsonOf<R> = R extends { content: { 'application/json': infer Body } } ? Body : never;
type SuccessOf<Responses> =
  Responses extends Record<200, infer Ok> ? JsonOf<Ok> : Responses extends Record<201, infer Made> ? JsonOf<Made> : never;

/** The JSON a path answers on success (200, else 201). */
export type Answer<P extends ApiPath, M extends keyof paths[P]> = Operation<P, M> extends { responses: infer R } ? SuccessOf<R> : never;
/** The JSON body a path takes. */
export type Body<P extends ApiPath, M extends keyof paths[P]> =
  Operation<P, M> extends { requestBody?: infer B } ? JsonOf<NonNullable<B>> : never;
/** The query parameters a path takes. */
export type Query<P extends ApiPath, M extends keyof paths[P]> =
  Operation<P, M> extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;
type ItemOf<L> = L extends { data: Array<infer T> } ? T : never;

export interface List<T> {
  data: T[];
  nextCursor: string | null;
}

export type LoginAnswer = Answer<'/api/v1/auth/login', 'post'>;
export type User = LoginAnswer['user'];
export type TenantMembership = LoginAnswer['tenants'][number];
export type Role = TenantMembership['role'];

export type KeyList = Answer<'/api/v1/keys', 'get'>;
export type ApiKey = ItemOf<KeyList>;
export type CreatedKey = Answer<'/api/v1/keys', 'post'>;
export type Limits = ApiKey['limits'];

export type Tenant = Answer<'/api/v1/tenant', 'get'>;
export type TenantPatch = Body<'/api/v1/tenant', 'patch'>;

export type ListedCustomer = ItemOf<Answer<'/api/v1/customers', 'get'>>;
export type DetailedCustomer = Answer<'/api/v1/customers/{externalId}', 'get'>;
export type Customer = Answer<'/api/v1/customers/{externalId}', 'patch'>;
export type CustomerPatch = Body<'/api/v1/customers/{externalId}', 'patch'>;
export type CustomerListQuery = Query<'/api/v1/customers', 'get'>;

export type UsageReport = Answer<'/api/v1/usage', 'get'>;
export type UsageRow = UsageReport['data'][number];
export type UsageMetrics = UsageReport['totals'];
export type UsageQuery = Query<'/api/v1/usage', 'get'>;
export type GroupBy = NonNullable<UsageQuery['groupBy']>;

export type Environment = ItemOf<Answer<'/api/v1/environments', 'get'>>;
export type ProviderConnection = ItemOf<Answer<'/api/v1/providers', 'get'>>;
export type NewProvider = Body<'/api/v1/providers', 'post'>;
export type ConnectionTest = Answer<'/api/v1/providers/{id}/test', 'post'>;
export type RoutingRule = ItemOf<Answer<'/api/v1/routing-rules', 'get'>>;
export type RoutingRuleInput = Body<'/api/v1/routing-rules/{alias}', 'put'>;
export type RoutingTarget = RoutingRule['targets'][number];
export type Strategy = NonNullable<RoutingRuleInput['strategy']>;
export type Member = ItemOf<Answer<'/api/v1/members', 'get'>>;
export type Invitation = ItemOf<Answer<'/api/v1/invitations', 'get'>>;
/** The answer to an invitation, the same whether or not the email has an account; the link is shown once. */
export type CreatedInvitation = Answer<'/api/v1/invitations', 'post'>;
/** What the invitee sees before accepting. */
export type InvitationSummary = Answer<'/api/v1/invitations/lookup', 'post'>;
export type AuditEntry = ItemOf<Answer<'/api/v1/audit-log', 'get'>>;

export type Flow = Answer<'/api/v1/flows/{flow}', 'get'>;
export type FlowVersion = Answer<'/api/v1/flows/{flow}/versions', 'post'>;
export type FlowTemplate = FlowVersion['templates'][string];
export type NewVersion = Body<'/api/v1/flows/{flow}/versions', 'post'>;
export type EnvironmentDiff = Answer<'/api/v1/environments/diff', 'get'>;
export type EnvironmentDifference = EnvironmentDiff['data'][number];
export type FlowRunInput = Body<'/api/v1/flows/{flow}/runs', 'post'>;
export type FlowRunResult = Answer<'/api/v1/flows/{flow}/runs', 'post'>;
export type FlowRunSummary = ItemOf<Answer<'/api/v1/flows/{flow}/runs', 'get'>>;

export type RequestListQuery = Query<'/api/v1/requests', 'get'>;
export type RequestPage = Answer<'/api/v1/requests', 'get'>;
export type RequestSummary = ItemOf<RequestPage>;
export type RequestEntry = Answer<'/api/v1/requests/{id}', 'get'>;
export type RequestAttempt = RequestEntry['attempts'][number];
export type LoggedBody = NonNullable<RequestEntry['request']>;
export type LoggedEndpoint = NonNullable<RequestListQuery['endpoint']>;

export type OperatedTenant = ItemOf<Answer<'/api/v1/admin/tenants', 'get'>>;
/** A tenant just created, with its first owner's invitation (the link shown once). */
export type CreatedTenant = Answer<'/api/v1/admin/tenants', 'post'>;
export type NewTenant = Body<'/api/v1/admin/tenants', 'post'>;
export type TenantChange = Body<'/api/v1/admin/tenants/{id}', 'patch'>;
export type Plan = ItemOf<Answer<'/api/v1/admin/plans', 'get'>>;
export type PlanInput = Body<'/api/v1/admin/plans', 'post'>;
export type PlanTerms = NonNullable<Tenant['planTerms']>;
export type FlowRun = Answer<'/api/v1/flows/{flow}/runs/{id}', 'get'>;
export type ToolCallRecord = NonNullable<FlowRun['toolCalls']>[number];

export type Tool = ItemOf<Answer<'/api/v1/tools', 'get'>>;
export type ToolType = Tool['type'];
export type NewTool = Body<'/api/v1/tools', 'post'>;
export type ToolPatch = Body<'/api/v1/tools/{tool}', 'patch'>;
export type ToolTest = Answer<'/api/v1/tools/{tool}/test', 'post'>;
export type McpServer = ItemOf<Answer<'/api/v1/mcp-servers', 'get'>>;
export type NewMcpServer = Body<'/api/v1/mcp-servers', 'post'>;
export type McpServerPatch = Body<'/api/v1/mcp-servers/{id}', 'patch'>;
export type DiscoveredTool = ItemOf<Answer<'/api/v1/mcp-servers/{id}/discover', 'post'>>;
