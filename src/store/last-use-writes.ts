// Keys' last-used and customers' last-seen times, written in bulk: a statement per 500 rows, joining the table to a
// VALUES list, instead of an UPDATE per row. Each UPDATE was compiled by Kysely and prepared by the driver anew
// (docs/benchmarks.md), and on SQLite the whole loop ran in one go on the event loop: a flush of 10,000
// customers held every request up for the better part of a second.
import { sql } from 'kysely';
import type { Db } from './database.js';
import type { LastUse } from './last-used-tracker.js';

const ROWS_PER_STATEMENT = 500;

/**
 * Sets `column` of each row named by a use (its id and tenant) to the use's time, in one transaction. SQLite and
 * PostgreSQL both name a VALUES list's columns column1, column2, …; the cast makes PostgreSQL type the times.
 */
export async function writeLastUses(
  db: Db,
  table: 'api_keys' | 'customers',
  column: 'last_used_at' | 'last_seen_at',
  uses: readonly LastUse[],
): Promise<void> {
  if (uses.length === 0) return;
  await db.transaction().execute(async (trx) => {
    for (let start = 0; start < uses.length; start += ROWS_PER_STATEMENT) {
      const rows = uses
        .slice(start, start + ROWS_PER_STATEMENT)
        .map(({ id, tenantId, at }) => sql`(${id}, ${tenantId}, cast(${at} as bigint))`);
      await sql`update ${sql.table(table)} set ${sql.ref(column)} = uses.column3
        from (values ${sql.join(rows)}) as uses
        where ${sql.ref(`${table}.id`)} = uses.column1 and ${sql.ref(`${table}.tenant_id`)} = uses.column2`.execute(trx);
    }
  });
}
