// SQLite's search index merges its segments less often: FTS5 merges a level's segments once `automerge` of them are
// there, 4 by default, so that each entry's words are rewritten once per level on their way up. At 16 (FTS5's most)
// there are half as many levels; indexing an entry costs about a fifth less, and a search reads a few more segments
// (no slower at 120,000 entries: docs/benchmarks.md). A setting kept in the index itself; PostgreSQL has no such thing.
import { type Kysely, PostgresAdapter, sql } from 'kysely';

const setAutomerge = (db: Kysely<unknown>, segments: number) =>
  sql`insert into request_log_search (request_log_search, rank) values ('automerge', ${sql.lit(segments)})`.execute(db);

export async function up(db: Kysely<unknown>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) return;
  await setAutomerge(db, 16);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) return;
  await setAutomerge(db, 4);
}
