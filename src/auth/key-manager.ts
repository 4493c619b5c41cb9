// The key lifecycle, shared by the HTTP API and the CLI: list, create sub-keys (up to a limit), rename, revoke, and
// regenerate the master key. Revocation is effective at once here and, through the invalidation bus, everywhere.
import type { InvalidationBus } from '../cache/invalidation-bus.js';
import { type LimitsPatch, mergeLimits } from '../domain/limits.js';
import { ConflictError, NotFoundError } from '../errors/shuttle-error.js';
import type { Db } from '../store/database.js';
import type { LastUsedTracker } from '../store/last-used-tracker.js';
import { type ApiKey, ApiKeyRepository } from '../store/repositories/api-keys.js';
import { type Actor, AuditLogRepository } from '../store/repositories/audit-log.js';
import { TenantRepository } from '../store/repositories/tenants.js';
import { generateApiKey } from './api-key.js';

export interface NewSubKey {
  name: string;
  environment?: string | undefined;
  expiresAt?: number | null | undefined;
}

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

  async createSubKey(tenantId: string, actor: Actor, input: NewSubKey): Promise<CreatedKey> {
    const generated = generateApiKey();
    const key = await this.db.transaction().execute(async (trx) => {
      await new TenantRepository(trx).lock(tenantId);
      const keys = new ApiKeyRepository(trx);
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
        environment: input.environment ?? 'production',
        expiresAt: input.expiresAt ?? null,
        createdBy: actor.type === 'user' ? actor.id : null,
      });
      await new AuditLogRepository(trx).record(tenantId, actor, {
        action: 'key.created',
        targetType: 'api_key',
        targetId: created.id,
        details: { name: created.name, environment: created.environment },
      });
      return created;
    });
    return { key, secret: generated.secret };
  }

  async rename(tenantId: string, actor: Actor, keyId: string, name: string): Promise<ApiKey> {
    const { key, hash } = await this.db.transaction().execute(async (trx) => {
      const keys = new ApiKeyRepository(trx);
      const before = await keys.get(tenantId, keyId);
      const keyHash = before && (await keys.rename(tenantId, keyId, name));
      if (!before || !keyHash) throw new NotFoundError(`No key ${keyId}.`);
      await new AuditLogRepository(trx).record(tenantId, actor, {
        action: 'key.renamed',
        targetType: 'api_key',
        targetId: keyId,
        details: { from: before.name, to: name },
      });
      return { key: { ...before, name }, hash: keyHash };
    });
    await this.bus.publish('api-key', hash);
    return key;
  }

  async setAllowedModels(tenantId: string, actor: Actor, keyId: string, allowedModels: string[] | null): Promise<ApiKey> {
    const { key, hash } = await this.db.transaction().execute(async (trx) => {
      const keys = new ApiKeyRepository(trx);
      const before = await keys.get(tenantId, keyId);
      const keyHash = before && (await keys.setAllowedModels(tenantId, keyId, allowedModels));
      if (!before || !keyHash) throw new NotFoundError(`No key ${keyId}.`);
      await new AuditLogRepository(trx).record(tenantId, actor, {
        action: 'key.allowed_models_changed',
        targetType: 'api_key',
        targetId: keyId,
        details: { allowedModels },
      });
      return { key: { ...before, allowedModels }, hash: keyHash };
    });
    await this.bus.publish('api-key', hash);
    return key;
  }

  async setLimits(tenantId: string, actor: Actor, keyId: string, patch: LimitsPatch): Promise<ApiKey> {
    const { key, hash } = await this.db.transaction().execute(async (trx) => {
      const keys = new ApiKeyRepository(trx);
      const before = await keys.get(tenantId, keyId);
      if (!before) throw new NotFoundError(`No key ${keyId}.`);
      const limits = mergeLimits(before.limits, patch);
      const keyHash = await keys.setLimits(tenantId, keyId, limits);
      if (!keyHash) throw new NotFoundError(`No key ${keyId}.`);
      await new AuditLogRepository(trx).record(tenantId, actor, {
        action: 'key.limits_changed',
        targetType: 'api_key',
        targetId: keyId,
        details: { limits },
      });
      return { key: { ...before, limits }, hash: keyHash };
    });
    await this.bus.publish('api-key', hash);
    return key;
  }

  async revoke(tenantId: string, actor: Actor, keyId: string): Promise<void> {
    const hash = await this.db.transaction().execute(async (trx) => {
      const keys = new ApiKeyRepository(trx);
      const key = await keys.get(tenantId, keyId);
      if (!key) throw new NotFoundError(`No key ${keyId}.`);
      if (key.kind === 'master') {
        throw new ConflictError('conflict', { message: 'The master key cannot be deleted; regenerate it instead.' });
      }
      const revokedHash = await keys.revoke(tenantId, keyId);
      await new AuditLogRepository(trx).record(tenantId, actor, {
        action: 'key.revoked',
        targetType: 'api_key',
        targetId: keyId,
        details: { name: key.name },
      });
      return revokedHash;
    });
    if (hash) await this.bus.publish('api-key', hash);
  }

  async regenerateMaster(tenantId: string, actor: Actor): Promise<CreatedKey> {
    const generated = generateApiKey();
    const { key, oldHash } = await this.db.transaction().execute(async (trx) => {
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
      await new AuditLogRepository(trx).record(tenantId, actor, {
        action: 'key.master_regenerated',
        targetType: 'api_key',
        targetId: created.id,
        details: { previousKeyId: old?.id ?? null },
      });
      return { key: created, oldHash: old?.hash };
    });
    if (oldHash) await this.bus.publish('api-key', oldHash);
    return { key, secret: generated.secret };
  }
}
