// The response cache (docs/cache.md): its entries when Redis is not configured, and the usage columns that meter
// hits (an event answered from the cache, the provider cost it saved; the daily rollups' sums of both).
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('response_cache')
    // sha256 of tenant, environment, namespace and the normalised request (hex).
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    // The cached answer as JSON (CachedAnswer).
    .addColumn('entry', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  // The sweep deletes expired rows oldest first; DELETE /cache deletes a tenant's.
  await db.schema.createIndex('response_cache_expiry_idx').on('response_cache').column('expires_at').execute();
  await db.schema.createIndex('response_cache_tenant_idx').on('response_cache').column('tenant_id').execute();
  await db.schema
    .alterTable('usage_events')
    .addColumn('cached', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable('usage_events')
    .addColumn('saved_micros', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable('usage_daily')
    .addColumn('cache_hits', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable('usage_daily')
    .addColumn('saved_micros', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('response_cache').ifExists().execute();
  for (const column of ['cached', 'saved_micros']) await db.schema.alterTable('usage_events').dropColumn(column).execute();
  for (const column of ['cache_hits', 'saved_micros']) await db.schema.alterTable('usage_daily').dropColumn(column).execute();
}
