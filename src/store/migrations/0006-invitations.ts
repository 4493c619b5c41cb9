// Invitations replace one-time passwords, and people still holding a password someone else set must change it.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('invitations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('invited_by', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('accepted_at', 'bigint')
    .addColumn('accepted_by', 'text')
    .addColumn('revoked_at', 'bigint')
    .execute();
  await db.schema.createIndex('invitations_tenant_idx').on('invitations').columns(['tenant_id', 'email']).execute();

  await db.schema
    .alterTable('users')
    .addColumn('must_change_password', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  // Before this migration, inviting a new email created the account with a password the inviter saw, and whether it
  // was changed since is not recorded. Only the owners made with their tenant (`shuttle bootstrap`, the first run)
  // chose their own; they are the owners no `member.added` entry names. Everyone else changes theirs once.
  await sql`
    update users set must_change_password = 1
    where id not in (
      select m.user_id from memberships m
      where m.role = 'owner'
        and not exists (
          select 1 from audit_log a
          where a.tenant_id = m.tenant_id and a.action = 'member.added' and a.target_id = m.user_id
        )
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').dropColumn('must_change_password').execute();
  await db.schema.dropTable('invitations').ifExists().execute();
}
