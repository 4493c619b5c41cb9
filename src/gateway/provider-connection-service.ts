// A tenant's own provider connections, every change to them: add, change, delete (each audit-logged, and heard by
// every instance), and the test call. Only reachable addresses are stored, secrets stay with the host they were given
// for, and a connection routing rules name is neither renamed nor deleted.
import type { CredentialCipher } from '../auth/credential-cipher.js';
import type { InvalidationBus } from '../cache/invalidation-bus.js';
import { errorCatalogue } from '../errors/catalogue.js';
import { ConflictError, InvalidRequestError, NotFoundError, UpstreamError, type UpstreamFailure } from '../errors/shuttle-error.js';
import type { AddressPolicy } from '../network/address-policy.js';
import { auditedChange, type RecordAudit } from '../store/audited-change.js';
import type { Db } from '../store/database.js';
import type { Actor, AuditAction } from '../store/repositories/audit-log.js';
import { EnvironmentRepository } from '../store/repositories/environments.js';
import { ProviderConnectionRepository, type StoredConnection } from '../store/repositories/provider-connections.js';
import { RoutingRuleRepository } from '../store/repositories/routing-rules.js';
import { defaultBaseUrl, secretsAfterChange, toProviderConnection } from './provider-connections.js';
import type { ProviderAdapter, ProviderConnection } from './providers/provider.js';

/** A connection as an admin sees it: which secrets are stored, never their values. */
export interface ConnectionSummary {
  /** null for global connections, which come from the server's environment. */
  id: string | null;
  name: string;
  type: string;
  /** null for global connections: every environment sees them. */
  environment: string | null;
  baseUrl: string;
  options: Record<string, string>;
  hasApiKey: boolean;
  credentialNames: string[];
  global: boolean;
  createdAt: number | null;
  updatedAt: number | null;
}

export interface NewConnection {
  name: string;
  type: string;
  environment: string;
  baseUrl?: string | undefined;
  apiKey?: string | undefined;
  credentials?: Record<string, string> | undefined;
  options?: Record<string, string> | undefined;
}

export type ConnectionChange = Partial<Omit<NewConnection, 'type' | 'environment'>>;

export interface ConnectionTest {
  ok: boolean;
  latencyMs: number;
  model: string;
  error: { status: number; message: string; code: string } | null;
}

export class ProviderConnections {
  constructor(
    private readonly db: Db,
    private readonly bus: InvalidationBus,
    private readonly cipher: CredentialCipher,
    private readonly network: AddressPolicy,
    private readonly adapters: ReadonlyMap<string, ProviderAdapter>,
    private readonly globals: readonly ProviderConnection[],
  ) {}

  /** The tenant's own connections (in one environment, or all), then the global ones. */
  async list(tenantId: string, environment?: string): Promise<ConnectionSummary[]> {
    const own = (await new ProviderConnectionRepository(this.db).list(tenantId, environment)).map((c) => this.summary(c));
    const globals = this.globals.map((c) => ({
      id: null,
      name: c.name,
      type: c.type,
      environment: null,
      baseUrl: c.baseUrl,
      options: {},
      hasApiKey: c.apiKey !== undefined,
      credentialNames: [],
      global: true,
      createdAt: null,
      updatedAt: null,
    }));
    return [...own, ...globals];
  }

  async create(tenantId: string, actor: Actor, input: NewConnection): Promise<ConnectionSummary> {
    const { name, type, environment, apiKey, credentials, options = {} } = input;
    if (!(await new EnvironmentRepository(this.db).exists(tenantId, environment)))
      throw new InvalidRequestError(`No environment "${environment}".`, 'environment');
    const baseUrl = input.baseUrl ?? defaultBaseUrl(type, options);
    if (baseUrl === undefined) throw new InvalidRequestError(`A ${type} connection needs a baseUrl.`, 'baseUrl');
    await this.assertReachable(baseUrl);
    const secrets = { ...credentials, ...(apiKey === undefined ? {} : { apiKey }) };
    const encryptedCredentials = this.cipher.encrypt(secrets);
    return this.change(tenantId, async (trx, audit) => {
      const stored = await new ProviderConnectionRepository(trx).create(tenantId, {
        name,
        type,
        environment,
        baseUrl,
        options,
        encryptedCredentials,
      });
      await audited(audit, tenantId, actor, 'provider.created', stored);
      return stored;
    });
  }

  /**
   * A new key replaces the old one. Moving baseUrl to another origin keeps only the secrets sent with it (see
   * secretsAfterChange); renaming a connection routing rules use is refused.
   */
  async update(tenantId: string, actor: Actor, id: string, input: ConnectionChange): Promise<ConnectionSummary> {
    const current = await this.find(this.db, tenantId, id);
    const { name, baseUrl, apiKey, credentials, options } = input;
    if (name !== undefined && name !== current.name) await assertUnused(this.db, tenantId, current, 'renaming');
    // Checked before the transaction: it may resolve a host name, and nothing should wait on that inside one.
    if (baseUrl !== undefined) await this.assertReachable(baseUrl);
    const secrets = secretsAfterChange(
      this.cipher.decrypt(current.encryptedCredentials),
      { ...credentials, ...(apiKey === undefined ? {} : { apiKey }) },
      current.baseUrl,
      baseUrl ?? current.baseUrl,
    );
    const encryptedCredentials = this.cipher.encrypt(secrets);
    return this.change(tenantId, async (trx, audit) => {
      const updated = await new ProviderConnectionRepository(trx).update(tenantId, current, {
        ...(name === undefined ? {} : { name }),
        ...(baseUrl === undefined ? {} : { baseUrl }),
        ...(options === undefined ? {} : { options }),
        encryptedCredentials,
      });
      await audited(audit, tenantId, actor, 'provider.updated', updated);
      return updated;
    });
  }

  /** Deletes a connection no routing rule uses. */
  async delete(tenantId: string, actor: Actor, id: string): Promise<void> {
    await this.change(tenantId, async (trx, audit) => {
      const stored = await this.find(trx, tenantId, id);
      await assertUnused(trx, tenantId, stored, 'deleting');
      await new ProviderConnectionRepository(trx).delete(tenantId, stored.id);
      await audited(audit, tenantId, actor, 'provider.deleted', stored);
      return stored;
    });
  }

  /**
   * A one-token completion, not metered. Answers whether the provider answered and how fast; never anything from
   * what it answered (body, error message or code), since the URL is the tenant's.
   */
  async test(tenantId: string, id: string, model: string): Promise<ConnectionTest> {
    const connection = toProviderConnection(await this.find(this.db, tenantId, id), this.cipher);
    const adapter = this.adapters.get(connection.type);
    if (!adapter) throw new InvalidRequestError(`No adapter for ${connection.type}.`, 'type');
    const started = performance.now();
    let error: ConnectionTest['error'] = null;
    try {
      await adapter.chat({
        connection,
        model,
        params: { model, messages: [{ role: 'user', content: 'ping' }], max_tokens: 1 },
        signal: AbortSignal.timeout(30_000),
        timeoutMs: 30_000,
      });
    } catch (failure) {
      error = testFailure(connection.name, failure);
    }
    return { ok: error === null, latencyMs: Math.round(performance.now() - started), model, error };
  }

  /** The change in one transaction with its audit entry, then every instance reloads the tenant's configuration. */
  private async change(tenantId: string, write: (trx: Db, audit: RecordAudit) => Promise<StoredConnection>): Promise<ConnectionSummary> {
    const stored = await auditedChange(this.db, write, () => this.bus.publish('tenant-config', tenantId));
    return this.summary(stored);
  }

  private async find(db: Db, tenantId: string, id: string): Promise<StoredConnection> {
    const stored = await new ProviderConnectionRepository(db).get(tenantId, id);
    if (!stored) throw new NotFoundError(`No provider connection ${id}.`);
    return stored;
  }

  /** Refuses with 400 a URL tenants may not reach: a private address, or a name resolving to one (now). */
  private async assertReachable(url: string): Promise<void> {
    if (!URL.canParse(url)) throw new InvalidRequestError(`"${url}" is not a URL.`, 'baseUrl');
    await this.network.assertAllowed(url, 'baseUrl');
  }

  private summary(stored: StoredConnection): ConnectionSummary {
    const { apiKey, ...secrets } = this.cipher.decrypt(stored.encryptedCredentials);
    return {
      id: stored.id,
      name: stored.name,
      type: stored.type,
      environment: stored.environment,
      baseUrl: stored.baseUrl,
      options: stored.options,
      hasApiKey: apiKey !== undefined,
      credentialNames: Object.keys(secrets),
      global: false,
      createdAt: stored.createdAt,
      updatedAt: stored.updatedAt,
    };
  }
}

function audited(audit: RecordAudit, tenantId: string, actor: Actor, action: AuditAction, stored: StoredConnection): Promise<void> {
  return audit(tenantId, actor, {
    action,
    targetType: 'provider_connection',
    targetId: stored.id,
    details: { name: stored.name, type: stored.type, environment: stored.environment },
  });
}

/** Routing rules name connections: renaming or deleting one they name is refused (409) with their aliases. */
async function assertUnused(db: Db, tenantId: string, stored: StoredConnection, doing: 'renaming' | 'deleting'): Promise<void> {
  const users = (await new RoutingRuleRepository(db).list(tenantId, stored.environment)).filter((r) =>
    r.rule.targets.some((t) => t.provider === stored.name),
  );
  if (users.length > 0) {
    throw new ConflictError('conflict', {
      message: `Routing rules still use "${stored.name}": ${users.map((r) => r.alias).join(', ')}. Change them before ${doing} it.`,
    });
  }
}

/** A failed test in Shuttle's words: the provider's status at most, never its body, message or error code. */
function testFailure(name: string, failure: unknown): { status: number; message: string; code: string } {
  if (!(failure instanceof UpstreamError)) {
    return { status: 502, message: `Could not reach ${name}.`, code: 'upstream_unreachable' };
  }
  const messages: Record<UpstreamFailure, string> = {
    upstream_error: `${name} answered with HTTP ${failure.status}.`,
    upstream_unreachable: `Could not reach ${name}.`,
    upstream_interrupted: `${name}'s connection broke off in the middle of its answer.`,
    upstream_timeout: `${name} did not answer in time.`,
    upstream_invalid_response: `${name} answered with something that is not a chat completion.`,
    upstream_address_refused: errorCatalogue.upstream_address_refused.message,
  };
  return { status: failure.status, message: messages[failure.failure], code: failure.failure };
}
