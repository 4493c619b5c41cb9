// The usage writer commits on its own connection, on its own thread, several times a second: a transaction on the
// main connection that reads and then writes must not fail because such a commit landed in between.
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { migrateToLatest, openDatabase } from '../../src/store/database.js';
import { sqlitePath } from '../../src/store/dialects/sqlite.js';
import { TenantRepository } from '../../src/store/repositories/tenants.js';
import { freshDatabase, type TestDatabase } from '../helpers/databases.js';

let database: TestDatabase | undefined;
afterAll(async () => {
  await database?.drop();
});

describe('SQLite transactions', () => {
  it('read, then write, even when another connection tries to commit in between', async () => {
    database = await freshDatabase('sqlite');
    const db = await openDatabase(database.url);
    await migrateToLatest(db, database.url);
    const tenant = await new TenantRepository(db).create({ name: 'Before' });
    const other = new BetterSqlite3(sqlitePath(database.url));
    other.pragma('busy_timeout = 0');
    let otherCommitted = true;

    await db.transaction().execute(async (trx) => {
      await trx.selectFrom('tenants').select('name').where('id', '=', tenant.id).executeTakeFirstOrThrow();
      try {
        other.prepare('UPDATE tenants SET plan = ? WHERE id = ?').run('pro', tenant.id);
      } catch {
        otherCommitted = false; // the transaction holds the write lock from its start: the other connection waits
      }
      await trx.updateTable('tenants').set({ name: 'After' }).where('id', '=', tenant.id).execute();
    });

    expect(otherCommitted).toBe(false);
    const row = await db.selectFrom('tenants').select(['name', 'plan']).where('id', '=', tenant.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ name: 'After', plan: 'free' });
    other.close();
    await db.destroy();
  });
});
