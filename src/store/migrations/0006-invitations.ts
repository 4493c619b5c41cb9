// Invitations replace one-time passwords, and people still holding a password someone else set must change it.
import { type Kysely, sql } from 'kysely';
import { newId } from '../ids.js';

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
  await removeMembershipsReachableWithAKnownPassword(db);
}

/**
 * A marked account's first membership is the tenant whose owner made it and saw its one-time password; any later one
 * was added to that account, whose password that owner may still know. Whoever logs in with it first would act in
 * those tenants too, so those memberships end here (in each tenant's audit log) and their owners invite again: the
 * link goes to the real person, and is accepted logged in. (A tenant's last owner is kept, or the tenant would be
 * left with nobody able to manage it.)
 */
async function removeMembershipsReachableWithAKnownPassword(db: Kysely<unknown>): Promise<void> {
  const { rows } = await sql<{ tenant_id: string; user_id: string; role: string; email: string; created_at: number | string }>`
    select m.tenant_id, m.user_id, m.role, u.email, m.created_at from memberships m join users u on u.id = m.user_id
    where u.must_change_password = 1
      and m.created_at > (select min(first.created_at) from memberships first where first.user_id = m.user_id)`.execute(db);
  const now = Date.now();
  for (const row of rows) {
    // A tenant's last owner stays: without one, nobody could invite anyone to it again.
    if (row.role === 'owner') {
      const { rows: owners } = await sql<{ count: number | string }>`
        select count(*) as count from memberships where tenant_id = ${row.tenant_id} and role = 'owner'`.execute(db);
      if (Number(owners[0]?.count ?? 0) <= 1) continue;
    }
    await sql`delete from memberships where tenant_id = ${row.tenant_id} and user_id = ${row.user_id}`.execute(db);
    const details = JSON.stringify({ email: row.email, role: row.role, reason: 'password_known_to_another_tenant' });
    await sql`
      insert into audit_log (id, tenant_id, actor_type, actor_id, actor_label, action, target_type, target_id, details, ip, created_at)
      values (${newId('aud')}, ${row.tenant_id}, 'system', null, 'upgrade', 'member.removed', 'user', ${row.user_id}, ${details}, null, ${now})`.execute(
      db,
    );
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').dropColumn('must_change_password').execute();
  await db.schema.dropTable('invitations').ifExists().execute();
}
