// One repository per aggregate, over one database handle (or transaction).
import type { Db } from './database.js';
import { ApiKeyRepository } from './repositories/api-keys.js';
import { AuditLogRepository } from './repositories/audit-log.js';
import { CustomerRepository } from './repositories/customers.js';
import { DeadLetterRepository } from './repositories/dead-letters.js';
import { EnvironmentRepository } from './repositories/environments.js';
import { FlowRunRepository } from './repositories/flow-runs.js';
import { FlowRepository } from './repositories/flows.js';
import { MembershipRepository } from './repositories/memberships.js';
import { PlanRepository } from './repositories/plans.js';
import { ProviderConnectionRepository } from './repositories/provider-connections.js';
import { RoutingRuleRepository } from './repositories/routing-rules.js';
import { ServerSettingsRepository } from './repositories/server-settings.js';
import { StoredResponseRepository } from './repositories/stored-responses.js';
import { TenantRepository } from './repositories/tenants.js';
import { UsageEventRepository } from './repositories/usage-events.js';
import { UsageQueryRepository } from './repositories/usage-queries.js';
import { UserRepository } from './repositories/users.js';

export interface Repositories {
  tenants: TenantRepository;
  users: UserRepository;
  memberships: MembershipRepository;
  plans: PlanRepository;
  apiKeys: ApiKeyRepository;
  usageEvents: UsageEventRepository;
  settings: ServerSettingsRepository;
  auditLog: AuditLogRepository;
  customers: CustomerRepository;
  usage: UsageQueryRepository;
  environments: EnvironmentRepository;
  connections: ProviderConnectionRepository;
  routingRules: RoutingRuleRepository;
  flows: FlowRepository;
  flowRuns: FlowRunRepository;
  deadLetters: DeadLetterRepository;
  storedResponses: StoredResponseRepository;
}

export function createRepositories(db: Db): Repositories {
  return {
    tenants: new TenantRepository(db),
    users: new UserRepository(db),
    memberships: new MembershipRepository(db),
    plans: new PlanRepository(db),
    apiKeys: new ApiKeyRepository(db),
    usageEvents: new UsageEventRepository(db),
    settings: new ServerSettingsRepository(db),
    auditLog: new AuditLogRepository(db),
    customers: new CustomerRepository(db),
    usage: new UsageQueryRepository(db),
    environments: new EnvironmentRepository(db),
    connections: new ProviderConnectionRepository(db),
    routingRules: new RoutingRuleRepository(db),
    flows: new FlowRepository(db),
    flowRuns: new FlowRunRepository(db),
    deadLetters: new DeadLetterRepository(db),
    storedResponses: new StoredResponseRepository(db),
  };
}
