// The request log's bodies compressed a batch at a time (store/body-blocks.ts): a block holds the bodies of one
// tenant's entries in a batch, which keep references to their place in it. Deleted with their tenant, and past its
// retention once their newest entry has expired (`created_at`).
import { type Kysely, PostgresAdapter, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema
    .createTable('request_log_bodies')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('data', postgres ? sql`bytea` : sql`blob`, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('request_log_bodies_tenant_time_idx').on('request_log_bodies').columns(['tenant_id', 'created_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('request_log_bodies').ifExists().execute();
}
