// API keys: one live master key per tenant and named sub-keys. Only the SHA-256 hash of a secret is stored.
import type { Insertable, Selectable, Updateable } from 'kysely';
import { type Limits, parseLimits } from '../../domain/limits.js';
import type { Db } from '../database.js';
import { newId } from '../ids.js';
import { writeLastUses } from '../last-use-writes.js';
import type { LastUse } from '../last-used-tracker.js';
import type { ApiKeysTable, KeyKind } from '../schema.js';

export interface ApiKey {
  id: string;
  tenantId: string;
  kind: KeyKind;
  name: string;
  last4: string;
  environment: string;
  createdAt: number;
  createdBy: string | null;
  lastUsedAt: number | null;
  expiresAt: number | null;
  revokedAt: number | null;
  limits: Limits;
  /** Model names or patterns (`openai/*`) this key may use; null allows every model. */
  allowedModels: string[] | null;
}

export interface NewKeyRecord {
  kind: KeyKind;
  name: string;
  hash: string;
  last4: string;
  environment?: string;
  createdBy?: string | null;
  expiresAt?: number | null;
}

type Row = Selectable<ApiKeysTable>;

function toApiKey(row: Row): ApiKey {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    kind: row.kind,
    name: row.name,
    last4: row.last4,
    environment: row.environment,
    createdAt: row.created_at,
    createdBy: row.created_by,
    lastUsedAt: row.last_used_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    limits: parseLimits(row.limits),
    allowedModels: row.allowed_models === null ? null : (JSON.parse(row.allowed_models) as string[]),
  };
}

export class ApiKeyRepository {
  constructor(private readonly db: Db) {}

  async insert(tenantId: string, record: NewKeyRecord): Promise<ApiKey> {
    const row: Row = {
      id: newId('key'),
      tenant_id: tenantId,
      kind: record.kind,
      name: record.name,
      hash: record.hash,
      last4: record.last4,
      environment: record.environment ?? 'production',
      created_at: Date.now(),
      created_by: record.createdBy ?? null,
      last_used_at: null,
      expires_at: record.expiresAt ?? null,
      revoked_at: null,
      limits: '{}',
      allowed_models: null,
    };
    await this.db
      .insertInto('api_keys')
      .values(row satisfies Insertable<ApiKeysTable>)
      .execute();
    return toApiKey(row);
  }

  /**
   * The authentication lookup: the only query not scoped by tenant, since the key is what names the tenant. Says too
   * whether an operator suspended the key's tenant.
   */
  async findLiveByHash(hash: string): Promise<(ApiKey & { tenantSuspended: boolean }) | undefined> {
    const row = await this.db
      .selectFrom('api_keys')
      .innerJoin('tenants', 'tenants.id', 'api_keys.tenant_id')
      .selectAll('api_keys')
      .select('tenants.suspended_at')
      .where('api_keys.hash', '=', hash)
      .where('api_keys.revoked_at', 'is', null)
      .executeTakeFirst();
    if (!row) return undefined;
    const { suspended_at, ...key } = row;
    return { ...toApiKey(key), tenantSuspended: suspended_at !== null };
  }

  /** The hashes of the tenant's live keys: what to invalidate when something every key carries changes. */
  async liveHashes(tenantId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('api_keys')
      .select('hash')
      .where('tenant_id', '=', tenantId)
      .where('revoked_at', 'is', null)
      .execute();
    return rows.map((r) => r.hash);
  }

  async listLive(tenantId: string): Promise<ApiKey[]> {
    const rows = await this.db
      .selectFrom('api_keys')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('revoked_at', 'is', null)
      .orderBy('created_at')
      .execute();
    return rows.map(toApiKey);
  }

  async get(tenantId: string, keyId: string): Promise<ApiKey | undefined> {
    const row = await this.db
      .selectFrom('api_keys')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('id', '=', keyId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return row && toApiKey(row);
  }

  async liveMaster(tenantId: string): Promise<(ApiKey & { hash: string }) | undefined> {
    const row = await this.db
      .selectFrom('api_keys')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('kind', '=', 'master')
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return row && { ...toApiKey(row), hash: row.hash };
  }

  async countLiveSubKeys(tenantId: string): Promise<number> {
    const row = await this.db
      .selectFrom('api_keys')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('tenant_id', '=', tenantId)
      .where('kind', '=', 'sub')
      .where('revoked_at', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Keys that still work: not revoked, not expired. */
  async countWorking(tenantId: string, now: number): Promise<number> {
    const row = await this.db
      .selectFrom('api_keys')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('tenant_id', '=', tenantId)
      .where('revoked_at', 'is', null)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Revokes a live key; returns its hash (so caches can forget it), or undefined when there was none. */
  revoke(tenantId: string, keyId: string): Promise<string | undefined> {
    return this.updateLive(tenantId, keyId, { revoked_at: Date.now() });
  }

  /** Renames a live key; returns its hash (so caches can refresh it), or undefined when there was none. */
  rename(tenantId: string, keyId: string, name: string): Promise<string | undefined> {
    return this.updateLive(tenantId, keyId, { name });
  }

  setLimits(tenantId: string, keyId: string, limits: Limits): Promise<string | undefined> {
    return this.updateLive(tenantId, keyId, { limits: JSON.stringify(limits) });
  }

  setAllowedModels(tenantId: string, keyId: string, allowedModels: string[] | null): Promise<string | undefined> {
    return this.updateLive(tenantId, keyId, { allowed_models: allowedModels === null ? null : JSON.stringify(allowedModels) });
  }

  /** Changes a live key of the tenant; returns its hash, which names it in the authentication caches. */
  private async updateLive(tenantId: string, keyId: string, changes: Updateable<ApiKeysTable>): Promise<string | undefined> {
    const row = await this.db
      .updateTable('api_keys')
      .set(changes)
      .where('tenant_id', '=', tenantId)
      .where('id', '=', keyId)
      .where('revoked_at', 'is', null)
      .returning('hash')
      .executeTakeFirst();
    return row?.hash;
  }

  /** Records when keys were last used; called in batches, never per request. */
  touchLastUsed(uses: readonly LastUse[]): Promise<void> {
    return writeLastUses(this.db, 'api_keys', 'last_used_at', uses);
  }
}
