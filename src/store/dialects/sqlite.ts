// SQLite through better-sqlite3: one file, WAL journal, foreign keys on.
import { resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { CompiledQuery, type DatabaseConnection, type Driver, SqliteDialect, type SqliteDialectConfig, SqliteDriver } from 'kysely';
import { createPrivateFile } from '../private-files.js';

/**
 * WAL pages after which the usage writer's connection copies the WAL back into the database (SQLite's default is
 * 1,000). A checkpoint copies every page the WAL holds once, however often it changed since the last one, and syncs
 * the file: with 10,000 pages (a WAL of about 40 MB at most) the writer makes a ninth of the fsyncs and spends about
 * 6% less CPU and 14% less time per event than with the default (docs/metering.md).
 */
export const USAGE_WRITER_CHECKPOINT_PAGES = 10_000;

/** `sqlite://./data/shuttle.db`, `sqlite:///abs/path.db` or `sqlite::memory:` → a file path for better-sqlite3. */
export function sqlitePath(url: string): string {
  const rest = url.replace(/^sqlite:(\/\/)?/, '');
  if (rest === ':memory:' || rest === '') return ':memory:';
  return resolve(rest);
}

export function createSqliteDialect(url: string): SqliteDialect {
  const path = sqlitePath(url);
  // Created here, owner-only (its directory too), before SQLite would create it with 0644: SQLite gives the -wal and
  // -shm files it creates beside it the database file's own mode.
  if (path !== ':memory:') createPrivateFile(path);
  const database = new BetterSqlite3(path);
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('busy_timeout = 5000');
  database.pragma('foreign_keys = ON');
  // Above the usage writer's threshold (sqlite-usage-sink.ts), so that while it runs it is the one to checkpoint, on
  // its own thread: a commit here that crossed the threshold would copy the WAL into the database on the event loop.
  database.pragma(`wal_autocheckpoint = ${2 * USAGE_WRITER_CHECKPOINT_PAGES}`);
  return new ImmediateTransactionsDialect({ database });
}

/**
 * Transactions begin IMMEDIATE: they take the write lock first, waiting for it up to busy_timeout. A deferred BEGIN
 * takes it at the first write instead, and fails at once (SQLITE_BUSY, no waiting can help) if another connection
 * committed since the transaction's first read — which the usage writer's connection, on its own thread, does several
 * times a second: a read-then-write transaction such as revoking a key would answer 500 now and then.
 */
class ImmediateTransactionsDialect extends SqliteDialect {
  constructor(private readonly settings: SqliteDialectConfig) {
    super(settings);
  }

  override createDriver(): Driver {
    return new ImmediateTransactionsDriver(this.settings);
  }
}

class ImmediateTransactionsDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}
