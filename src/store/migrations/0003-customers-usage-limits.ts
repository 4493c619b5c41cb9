// Limits on tenants, keys and customers; daily usage rollups with a latency histogram; once-per-period alert markers.
import { type Kysely, sql } from 'kysely';
import { histogramColumns } from '../../domain/latency-histogram.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const table of ['tenants', 'api_keys', 'customers']) {
    await db.schema
      .alterTable(table)
      .addColumn('limits', 'text', (c) => c.notNull().defaultTo('{}'))
      .execute();
  }

  let rollup = db.schema
    .createTable('usage_daily')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('day', 'integer', (c) => c.notNull())
    // Dimensions are '' rather than NULL: NULLs never match in a unique key, which ON CONFLICT needs.
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('status', 'integer', (c) => c.notNull())
    .addColumn('requests', 'bigint', (c) => c.notNull())
    .addColumn('prompt_tokens', 'bigint', (c) => c.notNull())
    .addColumn('completion_tokens', 'bigint', (c) => c.notNull())
    .addColumn('cached_tokens', 'bigint', (c) => c.notNull())
    .addColumn('cost_micros', 'bigint', (c) => c.notNull())
    .addColumn('latency_ms_sum', 'bigint', (c) => c.notNull());
  for (const column of histogramColumns) rollup = rollup.addColumn(column, 'bigint', (c) => c.notNull().defaultTo(0));
  await rollup
    .addPrimaryKeyConstraint('usage_daily_pk', ['tenant_id', 'day', 'customer_id', 'key_id', 'model', 'provider', 'status'])
    .execute();
  await db.schema.createIndex('usage_daily_customer_idx').on('usage_daily').columns(['tenant_id', 'customer_id', 'day']).execute();

  await db.schema
    .createIndex('usage_events_customer_time_idx')
    .on('usage_events')
    .columns(['tenant_id', 'customer_id', 'created_at'])
    .where(sql.ref('customer_id'), 'is not', null)
    .execute();

  await db.schema
    .createTable('limit_alerts')
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('scope_id', 'text', (c) => c.notNull())
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('bucket', 'text', (c) => c.notNull())
    .addColumn('threshold', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('limit_alerts_pk', ['tenant_id', 'scope', 'scope_id', 'period', 'bucket', 'threshold'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('limit_alerts').ifExists().execute();
  await db.schema.dropIndex('usage_events_customer_time_idx').ifExists().execute();
  await db.schema.dropTable('usage_daily').ifExists().execute();
  for (const table of ['customers', 'api_keys', 'tenants']) await db.schema.alterTable(table).dropColumn('limits').execute();
}
