// Operators and plans (docs/operators.md): a server-level role on users, plans that operators give tenants, and a
// tenant's suspension.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('plans')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    // JSON array of model names or patterns; null allows every model.
    .addColumn('allowed_models', 'text')
    // JSON: the shared limits object (src/domain/limits.ts).
    .addColumn('limits', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('max_concurrent_requests', 'integer')
    // JSON: "provider/model" or "*" → multiplier.
    .addColumn('model_multipliers', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .alterTable('users')
    .addColumn('operator', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('tenants').addColumn('suspended_at', 'bigint').execute();
  // No foreign key: SQLite cannot add one to an existing table; the plan service refuses to delete a plan in use.
  await db.schema.alterTable('tenants').addColumn('plan_id', 'text').execute();
  await db.schema.createIndex('tenants_plan_idx').on('tenants').column('plan_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('tenants_plan_idx').ifExists().execute();
  await db.schema.alterTable('tenants').dropColumn('plan_id').execute();
  await db.schema.alterTable('tenants').dropColumn('suspended_at').execute();
  await db.schema.alterTable('users').dropColumn('operator').execute();
  await db.schema.dropTable('plans').ifExists().execute();
}
