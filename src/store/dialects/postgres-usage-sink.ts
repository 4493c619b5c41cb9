// PostgreSQL's fast path for usage events: each column of a batch goes as one array parameter, and unnest() turns the
// arrays back into rows. A statement then has the same short text and about twenty parameters whatever the batch
// size, where a VALUES list of 500 events is 11,000 parameters for Kysely to compile, pg to send and PostgreSQL to
// parse and plan, every batch. Same semantics as UsageEventRepository.insertBatch: an event already stored is skipped
// and not rolled up again.
import { type RawBuilder, sql } from 'kysely';
import type { BatchSink } from '../batch-writer.js';
import type { Db } from '../database.js';
import { USAGE_EVENT_COLUMNS, type UsageEventValues } from '../repositories/usage-event-columns.js';
import { DIMENSIONS, ROLLUP_COLUMNS, rollUp, SUMS } from '../repositories/usage-rollups.js';

/** Column name → its array type (`text[]`, `bigint[]`…), read from the database once. */
type ColumnTypes = ReadonlyMap<string, string>;

export class PostgresUsageSink implements BatchSink<UsageEventValues> {
  private types: Promise<{ events: ColumnTypes; rollups: ColumnTypes }> | undefined;

  constructor(private readonly db: Db) {}

  async insertBatch(events: readonly UsageEventValues[]): Promise<void> {
    if (events.length === 0) return;
    this.types ??= this.readTypes().catch((error: unknown) => {
      this.types = undefined; // a batch that failed here is retried; so is this
      throw error;
    });
    const types = await this.types;
    await this.db.transaction().execute(async (trx) => {
      const inserted = await sql<{ id: string }>`
        INSERT INTO usage_events (${columnList(USAGE_EVENT_COLUMNS)})
        SELECT * FROM unnest(${columnArrays(USAGE_EVENT_COLUMNS, events, types.events)})
        ON CONFLICT (id) DO NOTHING
        RETURNING id`.execute(trx);
      const ids = new Set(inserted.rows.map((row) => row.id));
      const rollups = rollUp(events.filter(([id]) => ids.has(id)));
      if (rollups.length === 0) return;
      await sql`
        INSERT INTO usage_daily (${columnList(ROLLUP_COLUMNS)})
        SELECT * FROM unnest(${columnArrays(ROLLUP_COLUMNS, rollups, types.rollups)})
        ON CONFLICT (${columnList(DIMENSIONS)}) DO UPDATE SET
        ${sql.join(SUMS.map((column) => sql`${sql.id(column)} = ${sql.ref(`usage_daily.${column}`)} + ${sql.ref(`excluded.${column}`)}`))}`.execute(
        trx,
      );
    });
  }

  private async readTypes(): Promise<{ events: ColumnTypes; rollups: ColumnTypes }> {
    const { rows } = await sql<{ table_name: string; column_name: string; data_type: string }>`
      SELECT table_name, column_name, data_type FROM information_schema.columns
      WHERE table_schema = current_schema() AND table_name IN ('usage_events', 'usage_daily')`.execute(this.db);
    const of = (table: string): ColumnTypes =>
      new Map(rows.filter((row) => row.table_name === table).map((row) => [row.column_name, `${row.data_type}[]`]));
    return { events: of('usage_events'), rollups: of('usage_daily') };
  }
}

function columnList(columns: readonly string[]): RawBuilder<unknown> {
  return sql.join(columns.map((column) => sql.id(column)));
}

/** One array parameter per column, cast to the column's type so that unnest() yields rows of the table's shape. */
function columnArrays(columns: readonly string[], rows: readonly (readonly unknown[])[], types: ColumnTypes): RawBuilder<unknown> {
  return sql.join(
    columns.map((column, index) => {
      const type = types.get(column);
      if (type === undefined) throw new Error(`column ${column} is missing from the database; run the migrations`);
      return sql`${rows.map((row) => row[index] ?? null)}::${sql.raw(type)}`;
    }),
  );
}
