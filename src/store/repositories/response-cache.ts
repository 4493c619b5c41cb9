// The response cache's entries in the database (when Redis is not configured): one row per key, read by primary
// key, expired rows swept in bounded batches (docs/cache.md).
import type { Db } from '../database.js';
import type { ResponseCacheTable } from '../schema.js';

/** Where entries are written: the repository itself, or the writer thread (off the event loop, see worker-sink.ts). */
export interface ResponseCacheWriter {
  putRows(rows: readonly ResponseCacheTable[]): Promise<void>;
}

export class ResponseCacheRepository implements ResponseCacheWriter {
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
    await this.putRows([{ key, tenant_id: tenantId, entry, created_at: createdAt, expires_at: expiresAt }]);
  }

  /** Inserts the entries, each replacing one stored under its key. */
  async putRows(rows: readonly ResponseCacheTable[]): Promise<void> {
    if (rows.length === 0) return;
    await this.db
      .insertInto('response_cache')
      .values([...rows])
      .onConflict((oc) =>
        oc.column('key').doUpdateSet((eb) => ({
          tenant_id: eb.ref('excluded.tenant_id'),
          entry: eb.ref('excluded.entry'),
          created_at: eb.ref('excluded.created_at'),
          expires_at: eb.ref('excluded.expires_at'),
        })),
      )
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
