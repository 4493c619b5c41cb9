// Dead letters: records the database refused (a usage event, a flow run), set aside so that writing goes on.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('dead_letters')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    // The refused record's own id, or where a corrupt spill line was (file:line); unique per kind, so that a batch
    // retried after a later failure does not set the same record aside twice.
    .addColumn('record_id', 'text', (c) => c.notNull())
    .addColumn('tenant_id', 'text')
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('error', 'text', (c) => c.notNull())
    .addColumn('error_code', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('dead_letters_record_uq', ['kind', 'record_id'])
    .execute();
  await db.schema.createIndex('dead_letters_time_idx').on('dead_letters').column('created_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('dead_letters').ifExists().execute();
}
