// Opens the database named by DATABASE_URL and applies migrations. Nothing above the store knows the dialect.
import { Kysely, Migrator, sql } from 'kysely';
import { createPostgresDialect, parsePostgresUrl } from './dialects/postgres.js';
import { createSqliteDialect } from './dialects/sqlite.js';
import { migrationProvider } from './migrations/index.js';
import type { Database } from './schema.js';

export type DialectName = 'sqlite' | 'postgres';
export type Db = Kysely<Database>;

export function dialectOf(url: string): DialectName {
  return url.startsWith('sqlite:') ? 'sqlite' : 'postgres';
}

export async function openDatabase(url: string): Promise<Db> {
  const dialect = dialectOf(url) === 'sqlite' ? createSqliteDialect(url) : await createPostgresDialect(url);
  return new Kysely<Database>({ dialect });
}

/** Resolves when the database answers a trivial query; rejects when it cannot be reached. */
export async function pingDatabase(db: Db): Promise<void> {
  await sql`select 1`.execute(db);
}

export interface MigrationReport {
  applied: string[];
}

/** Applies pending migrations. `url` pins Kysely's bookkeeping tables to the connection's own PostgreSQL schema:
 * otherwise the migrator would take another schema's migration tables for its own. */
export async function migrateToLatest(db: Db, url: string): Promise<MigrationReport> {
  const migrationTableSchema = dialectOf(url) === 'postgres' ? (parsePostgresUrl(url).schema ?? 'public') : undefined;
  const migrator = new Migrator({ db, provider: migrationProvider, ...(migrationTableSchema ? { migrationTableSchema } : {}) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}
