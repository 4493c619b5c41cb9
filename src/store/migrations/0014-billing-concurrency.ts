// Billing (issue 30): what a tenant is billed for a request — the provider's cost scaled by its plan's model
// multiplier — beside the provider's cost, on each usage event and in the daily rollups. Rows from before are billed
// at their cost (no plan had a multiplier then). Concurrency limits need nothing stored beyond the limits JSON.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const table of ['usage_events', 'usage_daily']) {
    await db.schema
      .alterTable(table)
      .addColumn('billed_micros', 'bigint', (c) => c.notNull().defaultTo(0))
      .execute();
    await sql`UPDATE ${sql.table(table)} SET billed_micros = cost_micros`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['usage_events', 'usage_daily']) await db.schema.alterTable(table).dropColumn('billed_micros').execute();
}
