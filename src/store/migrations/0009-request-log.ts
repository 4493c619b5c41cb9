// The request log (issue 23): one entry per metered request, with its usage figures, attempts and tags, and at level
// `full` its request and answer, compressed. Full-text search over the prompt and answer text: an FTS5 table on
// SQLite, a tsvector column with a GIN index on PostgreSQL.
import { type Kysely, PostgresAdapter, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const bytes = postgres ? sql`bytea` : sql`blob`;
  let table = db.schema
    .createTable('request_log')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('key_id', 'text')
    .addColumn('customer_id', 'text')
    .addColumn('environment', 'text')
    .addColumn('endpoint', 'text', (c) => c.notNull())
    .addColumn('requested_model', 'text')
    .addColumn('provider', 'text')
    .addColumn('served_model', 'text')
    .addColumn('prompt_tokens', 'bigint', (c) => c.notNull())
    .addColumn('completion_tokens', 'bigint', (c) => c.notNull())
    .addColumn('cached_tokens', 'bigint', (c) => c.notNull())
    .addColumn('cost_micros', 'bigint', (c) => c.notNull())
    .addColumn('latency_ms', 'integer', (c) => c.notNull())
    .addColumn('upstream_ms', 'integer')
    .addColumn('ttft_ms', 'integer')
    .addColumn('streamed', 'integer', (c) => c.notNull())
    .addColumn('status', 'integer', (c) => c.notNull())
    .addColumn('error_code', 'text')
    .addColumn('flow_id', 'text')
    .addColumn('flow_version', 'integer')
    .addColumn('level', 'text', (c) => c.notNull())
    .addColumn('attempt_count', 'integer', (c) => c.notNull())
    // JSON: [{provider, model, status, latencyMs, errorCode, errorMessage}]
    .addColumn('attempts', 'text', (c) => c.notNull())
    // JSON: the request's tags, or null.
    .addColumn('metadata', 'text')
    .addColumn('preview', 'text')
    // Gzipped text: the body's JSON, or when truncated the part of it kept.
    .addColumn('request_body', bytes)
    .addColumn('request_bytes', 'integer')
    .addColumn('request_truncated', 'integer')
    .addColumn('response_body', bytes)
    .addColumn('response_bytes', 'integer')
    .addColumn('response_truncated', 'integer');
  if (postgres) table = table.addColumn('search', sql`tsvector`);
  await table.execute();

  // Newest first within a tenant, and each filter of GET /requests within a tenant and a time range.
  await db.schema.createIndex('request_log_tenant_time_idx').on('request_log').columns(['tenant_id', 'created_at', 'id']).execute();
  for (const column of ['customer_id', 'key_id', 'requested_model', 'provider', 'status']) {
    await db.schema.createIndex(`request_log_${column}_idx`).on('request_log').columns(['tenant_id', column, 'created_at']).execute();
  }

  if (postgres) {
    await sql`create index request_log_search_idx on request_log using gin (search)`.execute(db);
  } else {
    // Contentless (the text is kept compressed in request_log), with deletes, keyed by request_log's rowid.
    await sql`create virtual table request_log_search using fts5(text, content='', contentless_delete=1)`.execute(db);
    await sql`create trigger request_log_search_delete after delete on request_log begin delete from request_log_search where rowid = old.rowid; end`.execute(
      db,
    );
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  if (!postgres) {
    await sql`drop trigger if exists request_log_search_delete`.execute(db);
    await sql`drop table if exists request_log_search`.execute(db);
  }
  await db.schema.dropTable('request_log').ifExists().execute();
}
