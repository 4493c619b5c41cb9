// What the hot path needs to know about a tenant — limits, prices (shipped table, deployment overrides, tenant
// overrides), alert settings, allowed models, and per environment its own provider connections and routing rules —
// loaded in one go, cached briefly, and forgotten at once (on every instance) when any of it changes.
import type { CredentialCipher } from '../auth/credential-cipher.js';
import type { InvalidationBus } from '../cache/invalidation-bus.js';
import { LoadingCache } from '../cache/loading-cache.js';
import { type CachePolicy, parseCachePolicy } from '../domain/cache-policy.js';
import type { Limits } from '../domain/limits.js';
import type { PlanTerms } from '../domain/plan.js';
import { type RequestLogLevel, type RequestLogSettings, requestLogSettings } from '../domain/request-log-entry.js';
import type { RoutingRule } from '../domain/routing-rule.js';
import { NotFoundError } from '../errors/shuttle-error.js';
import { type AlertSettings, parseAlertSettings } from '../metering/alert-settings.js';
import { PriceTable } from '../metering/price-table.js';
import type { ModelPrice } from '../metering/prices.js';
import type { Repositories } from '../store/repositories.js';
import { toProviderConnection } from './provider-connections.js';
import type { ProviderConnection } from './providers/provider.js';
import type { EnvironmentRouting } from './routing/router.js';

export interface TenantConfig {
  tenantId: string;
  /** The stricter of the tenant's own limits and its plan's, field by field (docs/operators.md). */
  limits: Limits;
  prices: PriceTable;
  priceOverrides: Record<string, ModelPrice>;
  alerts: AlertSettings;
  /** The tenant's own list; a plan's list is checked too (both must allow a model, src/gateway/gateway.ts). */
  allowedModels: string[] | null;
  environments: ReadonlyMap<string, EnvironmentRouting>;
  /** Days flow-run prompts and answers are kept; 0 keeps metadata only. */
  runRetentionDays: number;
  /** The response cache's default for the tenant's requests (docs/cache.md); null: off. */
  cache: CachePolicy | null;
  /** What the request log keeps of this tenant's requests, and for how long. */
  requestLog: RequestLogSettings;
  /** The plan an operator gave the tenant (docs/operators.md); null: none. */
  plan: PlanTerms | null;
}

const TTL_MS = 30_000;

export const DEFAULT_RUN_RETENTION_DAYS = 30;

export function runRetentionDays(settings: Record<string, unknown>): number {
  const days = settings.runRetentionDays;
  return typeof days === 'number' ? days : DEFAULT_RUN_RETENTION_DAYS;
}

export class TenantConfigCache {
  private readonly cache = new LoadingCache<TenantConfig>({ max: 50_000, ttlMs: TTL_MS });

  constructor(
    private readonly repos: Pick<Repositories, 'tenants' | 'environments' | 'connections' | 'routingRules' | 'plans'>,
    private readonly cipher: CredentialCipher,
    private readonly deploymentPrices: Readonly<Record<string, ModelPrice>>,
    bus: InvalidationBus,
    /** The request log level of tenants that have not chosen one (SHUTTLE_REQUEST_LOG_DEFAULT). */
    private readonly defaultLogLevel: RequestLogLevel = 'full',
  ) {
    bus.subscribe('tenant-config', (tenantId) => this.cache.forget(tenantId));
    bus.onResync(() => this.cache.clear());
  }

  get(tenantId: string): Promise<TenantConfig> {
    return this.cache.get(tenantId, () => this.load(tenantId));
  }

  /** The cached configuration, without loading: lets the proxy path go on without a promise when it is warm. */
  peek(tenantId: string): TenantConfig | undefined {
    return this.cache.peek(tenantId);
  }

  private async load(tenantId: string): Promise<TenantConfig> {
    const [tenant, environments, connections, rules] = await Promise.all([
      this.repos.tenants.get(tenantId),
      this.repos.environments.list(tenantId),
      this.repos.connections.list(tenantId),
      this.repos.routingRules.list(tenantId),
    ]);
    if (!tenant) throw new NotFoundError('No such tenant.');
    const stored = tenant.planId === null ? undefined : await this.repos.plans.get(tenant.planId);
    const plan: PlanTerms | null = stored
      ? {
          id: stored.id,
          name: stored.name,
          allowedModels: stored.allowedModels,
          limits: stored.limits,
          maxConcurrentRequests: stored.maxConcurrentRequests,
          modelMultipliers: stored.modelMultipliers,
        }
      : null;
    const routing = new Map<string, { name: string; connections: Map<string, ProviderConnection>; rules: Map<string, RoutingRule> }>(
      environments.map((e) => [e.name, { name: e.name, connections: new Map(), rules: new Map() }]),
    );
    for (const stored of connections)
      routing.get(stored.environment)?.connections.set(stored.name, toProviderConnection(stored, this.cipher));
    for (const stored of rules) routing.get(stored.environment)?.rules.set(stored.alias, stored.rule);
    const priceOverrides = (tenant.settings.prices ?? {}) as Record<string, ModelPrice>;
    return {
      tenantId,
      limits: plan ? stricterLimits(tenant.limits, plan.limits) : tenant.limits,
      prices: new PriceTable({ ...this.deploymentPrices, ...priceOverrides }),
      priceOverrides,
      alerts: parseAlertSettings(tenant.settings.alerts),
      allowedModels: (tenant.settings.allowedModels as string[] | null | undefined) ?? null,
      environments: routing,
      runRetentionDays: runRetentionDays(tenant.settings),
      cache: parseCachePolicy(tenant.settings.cache),
      requestLog: requestLogSettings(tenant.settings, this.defaultLogLevel),
      plan,
    };
  }
}

/** Field by field, the lower of two limits; null (no limit) yields to any number. */
export function stricterLimits(a: Limits, b: Limits): Limits {
  const lower = (x: number | null, y: number | null) => (x === null ? y : y === null ? x : Math.min(x, y));
  return {
    costUsd: {
      day: lower(a.costUsd.day, b.costUsd.day),
      month: lower(a.costUsd.month, b.costUsd.month),
      total: lower(a.costUsd.total, b.costUsd.total),
    },
    requestsPerMinute: lower(a.requestsPerMinute, b.requestsPerMinute),
    tokensPerMinute: lower(a.tokensPerMinute, b.tokensPerMinute),
    concurrentRequests: lower(a.concurrentRequests, b.concurrentRequests),
  };
}
