// Stored responses of the Responses API (`store`), kept for the tenant's retention period: what GET /responses/{id}
// answers and what `previous_response_id` continues.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('stored_responses')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    // The input items of the whole conversation so far (earlier turns included), as JSON.
    .addColumn('input', 'text', (c) => c.notNull())
    // The response object as answered, output items included, as JSON.
    .addColumn('response', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  // The retention sweep deletes a tenant's oldest.
  await db.schema.createIndex('stored_responses_tenant_time_idx').on('stored_responses').columns(['tenant_id', 'created_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('stored_responses').ifExists().execute();
}
