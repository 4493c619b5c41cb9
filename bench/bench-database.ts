// A fresh database for one Shuttle run — a temporary SQLite file or a new PostgreSQL schema — counted and dropped after.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';

export type ShuttleStore = 'sqlite' | 'postgres';

export const POSTGRES_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface BenchDatabase {
  store: ShuttleStore;
  /** The DATABASE_URL to give Shuttle. */
  url: string;
  /** A scratch directory for Shuttle's working directory and local files. */
  workDir: string;
  /** Rows in usage_events: proof that every measured request was metered. */
  countUsageEvents(): Promise<number>;
  drop(): Promise<void>;
}

export function createBenchDatabase(store: ShuttleStore): BenchDatabase {
  const workDir = mkdtempSync(join(tmpdir(), `shuttle-bench-${store}-`));
  const removeWorkDir = (): void => rmSync(workDir, { recursive: true, force: true });
  let dropped = false;
  /** Idempotent: called by the target's stop and again by the harness's cleanup on interruption. */
  const once = (drop: () => Promise<void>) => async (): Promise<void> => {
    if (dropped) return;
    dropped = true;
    await drop();
  };
  if (store === 'sqlite') {
    const file = join(workDir, 'shuttle.db');
    return {
      store,
      url: `sqlite://${file}`,
      workDir,
      countUsageEvents: async () => {
        const db = new Database(file, { readonly: true });
        try {
          return (db.prepare('select count(*) as n from usage_events').get() as { n: number }).n;
        } finally {
          db.close();
        }
      },
      drop: once(async () => removeWorkDir()),
    };
  }
  const schema = `bench_${randomBytes(6).toString('hex')}`;
  const query = async <T>(text: string): Promise<T[]> => {
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    try {
      return (await client.query(text)).rows as T[];
    } finally {
      await client.end();
    }
  };
  return {
    store,
    url: `${POSTGRES_URL}?schema=${schema}`,
    workDir,
    countUsageEvents: async () => Number((await query<{ n: string }>(`select count(*) as n from "${schema}".usage_events`))[0]?.n),
    drop: once(async () => {
      removeWorkDir();
      await query(`drop schema if exists "${schema}" cascade`);
    }),
  };
}
