// The response cache's entries in the database (when Redis is not configured): one row per key, read by primary
// key, expired rows swept in bounded batches (docs/cache.md).
import type { Db } from '../database.js';

export class ResponseCacheRepository {
  constructor(private readonly db: Db) {}

  /** The entry, when it is the tenant's and has not expired. */
  async get(tenantId: string, key: string, now: number): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('response_cache')
      .select('entry')
      .where('key', '=', key)
      .where('tenant_id', '=', tenantId)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    return row?.entry;
  }

  async put(tenantId: string, key: string, entry: string, createdAt: number, expiresAt: number): Promise<void> {
    await this.db
      .insertInto('response_cache')
      .values({ key, tenant_id: tenantId, entry, created_at: createdAt, expires_at: expiresAt })
      .onConflict((oc) => oc.column('key').doUpdateSet({ entry, created_at: createdAt, expires_at: expiresAt }))
      .execute();
  }

  /** Deletes every entry of the tenant; answers how many. */
  async clear(tenantId: string): Promise<number> {
    const result = await this.db.deleteFrom('response_cache').where('tenant_id', '=', tenantId).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** Deletes up to `limit` entries expired at `now`; answers how many. */
  async deleteExpired(now: number, limit: number): Promise<number> {
    const expired = this.db.selectFrom('response_cache').select('key').where('expires_at', '<=', now).limit(limit);
    const result = await this.db.deleteFrom('response_cache').where('key', 'in', expired).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
