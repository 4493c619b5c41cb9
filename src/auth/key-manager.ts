// The key lifecycle, shared by the HTTP API and the CLI: list, create sub-keys (up to a limit), rename and otherwise
// update, revoke, and regenerate the master key. Revocation is effective at once here and, through the bus, everywhere.
import type { InvalidationBus } from '../cache/invalidation-bus.js';
import { type LimitsPatch, mergeLimits } from '../domain/limits.js';
import { ConflictError, InvalidRequestError, NotFoundError } from '../errors/shuttle-error.js';
import { auditedChange } from '../store/audited-change.js';
import type { Db } from '../store/database.js';
import type { LastUsedTracker } from '../store/last-used-tracker.js';
import { type ApiKey, ApiKeyRepository } from '../store/repositories/api-keys.js';
import type { Actor, AuditEntry } from '../store/repositories/audit-log.js';
import { EnvironmentRepository } from '../store/repositories/environments.js';
import { TenantRepository } from '../store/repositories/tenants.js';
import { generateApiKey } from './api-key.js';

export interface NewSubKey {
  name: string;
  environment?: string | undefined;
  expiresAt?: number | null | undefined;
}

/** What PATCH /keys/{id} may change; absent parts stay as they are. */
export interface KeyChanges {
  name?: string | undefined;
  limits?: LimitsPatch | undefined;
  allowedModels?: string[] | null | undefined;
}

type KeyAuditEntry = Omit<AuditEntry, 'targetType' | 'targetId'>;

export interface CreatedKey {
  key: ApiKey;
  /** Shown once. */
  secret: string;
}

export class KeyManager {
  constructor(
    private readonly db: Db,
    private readonly bus: InvalidationBus,
    private readonly lastUsed: LastUsedTracker,
    private readonly maxSubKeys: number,
  ) {}

  /** The live master key first, then sub-keys by creation; last-used times include those not yet written. */
  async list(tenantId: string): Promise<ApiKey[]> {
    const keys = await new ApiKeyRepository(this.db).listLive(tenantId);
    return keys
      .map((key) => ({ ...key, lastUsedAt: Math.max(key.lastUsedAt ?? 0, this.lastUsed.pendingFor(key.id) ?? 0) || null }))
      .sort((a, b) => (a.kind === b.kind ? a.createdAt - b.createdAt : a.kind === 'master' ? -1 : 1));
  }

  async get(tenantId: string, keyId: string): Promise<ApiKey> {
    const key = await new ApiKeyRepository(this.db).get(tenantId, keyId);
    if (!key) throw new NotFoundError(`No key ${keyId}.`);
    return key;
  }

  /** The environment must exist; the tenant is locked so that concurrent creations respect the sub-key limit. */
  async createSubKey(tenantId: string, actor: Actor, input: NewSubKey): Promise<CreatedKey> {
    const generated = generateApiKey();
    const environment = input.environment ?? 'production';
    const key = await auditedChange(this.db, async (trx, audit) => {
      if (!(await new EnvironmentRepository(trx).exists(tenantId, environment))) {
        throw new InvalidRequestError(`No environment "${environment}"; create it first (POST /api/v1/environments).`, 'environment');
      }
      await new TenantRepository(trx).lock(tenantId);
      const keys = new ApiKeyRepository(trx);
      await refuseTakenName(keys, tenantId, input.name);
      if ((await keys.countLiveSubKeys(tenantId)) >= this.maxSubKeys) {
        throw new ConflictError('key_limit_reached', {
          message: `A tenant can have at most ${this.maxSubKeys} sub-keys; delete one before creating another.`,
        });
      }
      const created = await keys.insert(tenantId, {
        kind: 'sub',
        name: input.name,
        hash: generated.hash,
        last4: generated.last4,
        environment,
        expiresAt: input.expiresAt ?? null,
        createdBy: actor.type === 'user' ? actor.id : null,
      });
      await audit(tenantId, actor, {
        action: 'key.created',
        targetType: 'api_key',
        targetId: created.id,
        details: { name: created.name, environment: created.environment },
      });
      return created;
    });
    return { key, secret: generated.secret };
  }

  rename(tenantId: string, actor: Actor, keyId: string, name: string): Promise<ApiKey> {
    return this.update(tenantId, actor, keyId, { name });
  }

  /**
   * Renames a key and changes its limits and allowed models, each given part with its own audit entry, all in one
   * transaction; instances forget the cached key after the commit.
   */
  async update(tenantId: string, actor: Actor, keyId: string, changes: KeyChanges): Promise<ApiKey> {
    const { key } = await auditedChange(
      this.db,
      async (trx, audit) => {
        const keys = new ApiKeyRepository(trx);
        const before = await keys.get(tenantId, keyId);
        if (!before) throw new NotFoundError(`No key ${keyId}.`);
        let key = before;
        let hash: string | undefined;
        const change = async (write: Promise<string | undefined>, updated: ApiKey, entry: KeyAuditEntry) => {
          hash = await write;
          if (!hash) throw new NotFoundError(`No key ${keyId}.`);
          await audit(tenantId, actor, { ...entry, targetType: 'api_key', targetId: keyId });
          key = updated;
        };
        const { name, limits: patch, allowedModels } = changes;
        if (name !== undefined) {
          if (name !== key.name) {
            await new TenantRepository(trx).lock(tenantId);
            await refuseTakenName(keys, tenantId, name, keyId);
          }
          await change(
            keys.rename(tenantId, keyId, name),
            { ...key, name },
            { action: 'key.renamed', details: { from: key.name, to: name } },
          );
        }
        if (patch !== undefined) {
          const limits = mergeLimits(key.limits, patch);
          await change(keys.setLimits(tenantId, keyId, limits), { ...key, limits }, { action: 'key.limits_changed', details: { limits } });
        }
        if (allowedModels !== undefined) {
          await change(
            keys.setAllowedModels(tenantId, keyId, allowedModels),
            { ...key, allowedModels },
            { action: 'key.allowed_models_changed', details: { allowedModels } },
          );
        }
        return { key, hash };
      },
      async ({ hash }) => {
        if (hash) await this.bus.publish('api-key', hash);
      },
    );
    return key;
  }

  async revoke(tenantId: string, actor: Actor, keyId: string): Promise<void> {
    await auditedChange(
      this.db,
      async (trx, audit) => {
        const keys = new ApiKeyRepository(trx);
        const key = await keys.get(tenantId, keyId);
        if (!key) throw new NotFoundError(`No key ${keyId}.`);
        if (key.kind === 'master') {
          throw new ConflictError('conflict', { message: 'The master key cannot be deleted; regenerate it instead.' });
        }
        const revokedHash = await keys.revoke(tenantId, keyId);
        await audit(tenantId, actor, { action: 'key.revoked', targetType: 'api_key', targetId: keyId, details: { name: key.name } });
        return revokedHash;
      },
      async (hash) => {
        if (hash) await this.bus.publish('api-key', hash);
      },
    );
  }

  async regenerateMaster(tenantId: string, actor: Actor): Promise<CreatedKey> {
    const generated = generateApiKey();
    const { key } = await auditedChange(
      this.db,
      async (trx, audit) => {
        await new TenantRepository(trx).lock(tenantId);
        const keys = new ApiKeyRepository(trx);
        const old = await keys.liveMaster(tenantId);
        if (old) await keys.revoke(tenantId, old.id);
        const created = await keys.insert(tenantId, {
          kind: 'master',
          name: 'Master key',
          hash: generated.hash,
          last4: generated.last4,
          environment: old?.environment ?? 'production',
          createdBy: actor.type === 'user' ? actor.id : null,
        });
        await audit(tenantId, actor, {
          action: 'key.master_regenerated',
          targetType: 'api_key',
          targetId: created.id,
          details: { previousKeyId: old?.id ?? null },
        });
        return { key: created, oldHash: old?.hash };
      },
      async ({ oldHash }) => {
        if (oldHash) await this.bus.publish('api-key', oldHash);
      },
    );
    return { key, secret: generated.secret };
  }
}

/**
 * Key names are unique among a tenant's live keys, ignoring case, so a row in a list or an audit entry names one
 * key. Callers hold the tenant lock, so two concurrent creations cannot both take a name.
 */
async function refuseTakenName(keys: ApiKeyRepository, tenantId: string, name: string, exceptKeyId?: string): Promise<void> {
  const wanted = name.toLocaleLowerCase('en');
  const holder = (await keys.listLive(tenantId)).find((key) => key.id !== exceptKeyId && key.name.toLocaleLowerCase('en') === wanted);
  if (holder) {
    throw new ConflictError('key_name_taken', {
      message: `A key named "${holder.name}" already exists in this tenant; choose another name.`,
      param: 'name',
    });
  }
}
