// PostgreSQL through pg. `?schema=name` in the URL selects (and creates) a schema, which the tests use for isolation.
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { SearchPathPostgresDialect } from './search-path-introspector.js';

const INT8_OID = 20;
const NUMERIC_OID = 1700;

// Counts, sums and epoch-millisecond timestamps fit in a double; return them as numbers, as SQLite does.
const typeParsers = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID || oid === NUMERIC_OID) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
};

export interface PostgresTarget {
  connectionString: string;
  schema: string | undefined;
}

export function parsePostgresUrl(url: string): PostgresTarget {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema') ?? undefined;
  parsed.searchParams.delete('schema');
  if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new Error(`DATABASE_URL: schema "${schema}" must be a lower-case SQL identifier`);
  }
  return { connectionString: parsed.toString(), schema };
}

export async function createPostgresDialect(url: string, poolSize = 10): Promise<PostgresDialect> {
  const { connectionString, schema } = parsePostgresUrl(url);
  if (schema !== undefined) await ensureSchema(connectionString, schema);
  const pool = new pg.Pool({
    connectionString,
    max: poolSize,
    types: typeParsers,
    // A database that stops answering must fail queries (which callers retry), not hang them.
    connectionTimeoutMillis: 5_000,
    query_timeout: 30_000,
    ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
  });
  // An idle connection that dies (database restart, network cut) is dropped from the pool; without a listener its
  // 'error' event would crash the process.
  pool.on('error', () => undefined);
  // So would one that dies while checked out, which pg reports to the query (that is how callers learn of it) and also
  // emits on the client, where the pool listens only while the client is idle: a backend terminated in the middle of
  // a usage batch (pg_terminate_backend, a failover) crashed the writer thread, and on the main thread would crash
  // the server. The pool drops such a client when it is released.
  pool.on('connect', (client) => client.on('error', () => undefined));
  return new SearchPathPostgresDialect({ pool });
}

async function ensureSchema(connectionString: string, schema: string): Promise<void> {
  const pool = new pg.Pool({ connectionString, max: 1, connectionTimeoutMillis: 5_000 });
  pool.on('error', () => undefined); // the query reports the failure; unheard, the event would end the process
  const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
  try {
    await sql`create schema if not exists ${sql.id(schema)}`.execute(db);
  } finally {
    await db.destroy();
  }
}
