// Fewer indexes on the request log: each is one more b-tree insert for every request, on the writer thread and in the
// database (docs/benchmarks.md, "The request log's cost, settled"). Model and provider take few values per tenant, so a page
// of them is found by walking the tenant's newest entries (request_log_tenant_time_idx) and filtering; errors are the
// rare rows a filter looks for, so only they are indexed (a partial index: a successful request skips it).
// Customers and keys keep theirs: a rarely used one would otherwise mean walking the whole time range.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const column of ['requested_model', 'provider', 'status'])
    await db.schema.dropIndex(`request_log_${column}_idx`).ifExists().execute();
  await sql`create index request_log_errors_idx on request_log (tenant_id, created_at) where status >= 400`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('request_log_errors_idx').ifExists().execute();
  for (const column of ['requested_model', 'provider', 'status']) {
    await db.schema.createIndex(`request_log_${column}_idx`).on('request_log').columns(['tenant_id', column, 'created_at']).execute();
  }
}
