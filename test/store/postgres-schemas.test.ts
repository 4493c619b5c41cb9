// Shuttle on a PostgreSQL database shared with other schemas: it reads and migrates its own schema only, even while
// other processes create and drop theirs (the tests themselves do, many at a time).
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest, openDatabase } from '../../src/store/database.js';
import { freshDatabase, POSTGRES_URL, type TestDatabase } from '../helpers/databases.js';

describe('Shuttle in its own PostgreSQL schema', () => {
  let admin: Kysely<unknown>;
  const databases: TestDatabase[] = [];

  beforeAll(() => {
    admin = new Kysely<unknown>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: POSTGRES_URL, max: 2 }) }) });
  });

  afterAll(async () => {
    await Promise.all(databases.map((database) => database.drop()));
    await admin.destroy();
  });

  async function fresh(): Promise<TestDatabase> {
    const database = await freshDatabase('postgres');
    databases.push(database);
    return database;
  }

  it('migrates while other schemas are created and dropped around it', async () => {
    let churning = true;
    const churn = (async () => {
      for (let i = 0; churning; i++) {
        const schema = `churn_${process.pid}_${i}`;
        await sql`create schema ${sql.id(schema)}`.execute(admin);
        await sql`create table ${sql.id(schema, 'kysely_migration')} (name text primary key, id serial)`.execute(admin);
        await sql`drop schema ${sql.id(schema)} cascade`.execute(admin);
      }
    })();
    try {
      const migrated = await Promise.all(
        Array.from({ length: 6 }, async () => {
          const database = await fresh();
          const db = await openDatabase(database.url);
          try {
            return (await migrateToLatest(db, database.url)).applied.length;
          } finally {
            await db.destroy();
          }
        }),
      );
      expect(migrated.every((count) => count > 0)).toBe(true);
    } finally {
      churning = false;
      await churn;
    }
  });

  it('sees only the tables of its own schema', async () => {
    const [mine, theirs] = [await fresh(), await fresh()];
    const ours = await openDatabase(mine.url);
    const other = await openDatabase(theirs.url);
    try {
      await migrateToLatest(ours, mine.url);
      await sql`create table only_theirs (id integer)`.execute(other);
      const tables = await ours.introspection.getTables();
      const schema = new URL(mine.url).searchParams.get('schema');
      expect(tables.length).toBeGreaterThan(5);
      expect(tables.every((table) => table.schema === schema)).toBe(true);
      expect(tables.map((table) => table.name)).not.toContain('only_theirs');
      expect(tables.map((table) => table.name)).not.toContain('kysely_migration');
      const apiKeys = tables.find((table) => table.name === 'api_keys');
      expect(apiKeys?.columns.map((column) => column.name)).toContain('hash');
    } finally {
      await Promise.all([ours.destroy(), other.destroy()]);
    }
  });
});
