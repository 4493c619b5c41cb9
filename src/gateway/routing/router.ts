// Turns the `model` of a request into an ordered plan of targets: a routing rule of the caller's environment when
// the name is an alias (or a model a rule claims), else `provider/model`, or a bare model name when the price table
// or the configured connections make it unambiguous. Tenant connections shadow global ones of the same name.
import { enablingVariables } from '../../config/providers.js';
import { DIRECT_RULE, type RetryPolicy, type RoutingRule, type Strategy } from '../../domain/routing-rule.js';
import { NotFoundError } from '../../errors/shuttle-error.js';
import type { PriceTable } from '../../metering/price-table.js';
import type { Model } from '../openai-wire.js';
import type { ProviderAdapter, ProviderConnection } from '../providers/provider.js';
import type { TargetHealth } from './target-health.js';

export interface EnvironmentRouting {
  name: string;
  /** The tenant's own connections in this environment. */
  connections: ReadonlyMap<string, ProviderConnection>;
  rules: ReadonlyMap<string, RoutingRule>;
}

export interface RouteTarget {
  connection: ProviderConnection;
  adapter: ProviderAdapter;
  /** The model id the provider knows. */
  model: string;
  /** Request fields this target sets. */
  overrides: Record<string, unknown> | undefined;
  timeoutMs: number | null;
  weight: number;
  /** Identifies the target in TargetHealth. */
  healthKey: string;
}

export interface RoutePlan {
  requested: string;
  /** Whether a routing rule produced the plan. */
  routed: boolean;
  strategy: Strategy;
  targets: RouteTarget[];
  retry: RetryPolicy;
  cooldown: RoutingRule['cooldown'];
}

const NO_ROUTING: EnvironmentRouting = { name: 'production', connections: new Map(), rules: new Map() };

// Client-chosen names: the cache of an environment starts over rather than grow without bound.
const MAX_DIRECT_PLANS = 1_000;

export class Router {
  private readonly globals: Map<string, ProviderConnection>;
  /**
   * A plan without a routing rule depends only on the name and on the environment's connections, and an environment
   * is replaced, never changed, when its tenant's configuration changes: so it is worked out once per name.
   */
  private readonly directPlans = new WeakMap<EnvironmentRouting, Map<string, RoutePlan>>();

  constructor(
    globalConnections: readonly ProviderConnection[],
    private readonly adapters: ReadonlyMap<string, ProviderAdapter>,
    private readonly prices: PriceTable,
    private readonly health: TargetHealth,
    private readonly random: () => number = Math.random,
  ) {
    this.globals = new Map(globalConnections.map((connection) => [connection.name, connection]));
  }

  plan(requested: string, env: EnvironmentRouting = NO_ROUTING): RoutePlan {
    const rule = env.rules.get(requested);
    if (rule) return this.routedPlan(requested, rule, env);
    let plans = this.directPlans.get(env);
    const cached = plans?.get(requested);
    if (cached) return cached;
    const target = this.directTarget(requested, env);
    const plan: RoutePlan = Object.freeze({
      requested,
      routed: false,
      ...DIRECT_RULE,
      targets: Object.freeze([Object.freeze(target)]) as RouteTarget[],
    });
    if (plans === undefined || plans.size >= MAX_DIRECT_PLANS) {
      plans = new Map();
      this.directPlans.set(env, plans);
    }
    plans.set(requested, plan);
    return plan;
  }

  /** A connection by name as this environment sees it. */
  connection(name: string, env: EnvironmentRouting = NO_ROUTING): ProviderConnection | undefined {
    return env.connections.get(name) ?? this.globals.get(name);
  }

  /** What a caller in this environment can name: its aliases, then every priced model of every connection. */
  listModels(env: EnvironmentRouting = NO_ROUTING): Model[] {
    const models: Model[] = [...env.rules.keys()].map((alias) => ({ id: alias, object: 'model', created: 0, owned_by: 'shuttle' }));
    for (const connection of this.connections(env).values()) {
      for (const model of this.prices.modelsOf(connection.type)) {
        models.push({ id: `${connection.name}/${model}`, object: 'model', created: 0, owned_by: connection.name });
      }
    }
    return models;
  }

  private routedPlan(requested: string, rule: RoutingRule, env: EnvironmentRouting): RoutePlan {
    const targets: RouteTarget[] = [];
    for (const t of rule.targets) {
      const connection = this.connection(t.provider, env);
      if (connection)
        targets.push(this.target(connection, t.model, { overrides: t.overrides, timeoutMs: rule.timeoutMs, weight: t.weight }));
    }
    if (targets.length === 0) {
      throw new NotFoundError(`The routing rule "${requested}" names no provider connection that exists any more.`, 'model_not_found');
    }
    return {
      requested,
      routed: true,
      strategy: rule.strategy,
      targets: this.order(targets, rule.strategy),
      retry: rule.retry,
      cooldown: rule.cooldown,
    };
  }

  private order(targets: RouteTarget[], strategy: Strategy): RouteTarget[] {
    let ordered = targets;
    if (strategy === 'weighted') {
      // Efraimidis–Spirakis: a weighted random order in which each target leads with probability ∝ its weight.
      const keyed = targets.map((t) => ({ t, key: t.weight > 0 ? this.random() ** (1 / t.weight) : -1 }));
      ordered = keyed.sort((a, b) => b.key - a.key).map(({ t }) => t);
    } else if (strategy === 'least-latency') {
      // Targets never measured go first, so that every target gets measured.
      const latency = (t: RouteTarget) => this.health.latency(t.healthKey) ?? -1;
      ordered = [...targets].sort((a, b) => latency(a) - latency(b));
    }
    const now = Date.now();
    const cooling = ordered.filter((t) => this.health.isCooling(t.healthKey, now));
    // Cooling targets are tried last: only when everything else has failed.
    return cooling.length === 0 ? ordered : [...ordered.filter((t) => !cooling.includes(t)), ...cooling];
  }

  private directTarget(requested: string, env: EnvironmentRouting): RouteTarget {
    const connections = this.connections(env);
    const slash = requested.indexOf('/');
    if (slash > 0) {
      const prefix = requested.slice(0, slash);
      const connection = connections.get(prefix);
      if (connection) return this.target(connection, requested.slice(slash + 1));
      // `anthropic/…` names a provider even when none is configured; only other prefixes (a vLLM model such as
      // `meta-llama/Llama-3-8B`) can be a model id of its own.
      if (this.isProviderName(prefix)) throw new NotFoundError(this.notFoundMessage(requested, slash), 'model_not_found');
    }
    const connection = this.connectionForBareModel(requested, connections);
    if (connection) return this.target(connection, requested);
    throw new NotFoundError(this.notFoundMessage(requested, slash), 'model_not_found');
  }

  private connections(env: EnvironmentRouting): Map<string, ProviderConnection> {
    if (env.connections.size === 0) return this.globals;
    return new Map([...this.globals, ...env.connections]);
  }

  private connectionForBareModel(model: string, connections: Map<string, ProviderConnection>): ProviderConnection | undefined {
    const priced = this.prices.providersOfModel(model);
    const byPrice = [...connections.values()].filter((connection) => priced.includes(connection.type));
    if (byPrice.length === 1) return byPrice[0];
    if (byPrice.length > 1) return undefined;
    // An unpriced name goes to the one real provider, if there is exactly one (e.g. a self-hosted vLLM).
    const real = [...connections.values()].filter((connection) => connection.type !== 'mock');
    return real.length === 1 ? real[0] : undefined;
  }

  private isProviderName(name: string): boolean {
    return this.adapters.has(name) || this.prices.hasProvider(name);
  }

  private target(
    connection: ProviderConnection,
    model: string,
    extra: Partial<Pick<RouteTarget, 'overrides' | 'timeoutMs' | 'weight'>> = {},
  ): RouteTarget {
    const adapter = this.adapters.get(connection.type);
    if (!adapter) throw new Error(`no adapter for provider type ${connection.type}`);
    return {
      connection,
      adapter,
      model,
      overrides: extra.overrides,
      timeoutMs: extra.timeoutMs ?? null,
      weight: extra.weight ?? 1,
      healthKey: `${connection.id ?? `global:${connection.name}`}/${model}`,
    };
  }

  private notFoundMessage(requested: string, slash: number): string {
    if (slash > 0) {
      const provider = requested.slice(0, slash);
      const variables = enablingVariables(provider) ?? [`${provider.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_API_KEY`];
      const hint = ` (set ${variables.join(' or ')} or add a provider connection)`;
      return `The model "${requested}" does not exist: no provider connection is named "${provider}"${hint}.`;
    }
    return `The model "${requested}" does not exist or is ambiguous; name it as provider/model, e.g. "mock/echo".`;
  }
}
