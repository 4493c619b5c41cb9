// Records the database refused, set aside by the batch writers. Operator data across tenants (like the spill files),
// so unlike the tenants' repositories its methods take no tenant id: nothing a tenant can call reads it.
import type { Selectable } from 'kysely';
import type { Db } from '../database.js';
import { newId } from '../ids.js';
import type { DeadLettersTable } from '../schema.js';

export type DeadLetterKind = DeadLettersTable['kind'];
export type DeadLetter = Selectable<DeadLettersTable>;
export type NewDeadLetter = Omit<DeadLetter, 'id' | 'created_at'>;

export class DeadLetterRepository {
  constructor(private readonly db: Db) {}

  /** Stores a dead letter; one already stored for the same record is kept as it is. */
  async add(letter: NewDeadLetter, at = Date.now()): Promise<void> {
    await this.db
      .insertInto('dead_letters')
      .values({ id: newId('dlq'), ...letter, created_at: at })
      .onConflict((oc) => oc.columns(['kind', 'record_id']).doNothing())
      .execute();
  }

  /** The newest first. */
  async list(options: { kind?: DeadLetterKind | undefined; limit?: number } = {}): Promise<DeadLetter[]> {
    let query = this.db.selectFrom('dead_letters').selectAll();
    if (options.kind !== undefined) query = query.where('kind', '=', options.kind);
    return query
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(options.limit ?? 100)
      .execute();
  }

  async remove(id: string): Promise<void> {
    await this.db.deleteFrom('dead_letters').where('id', '=', id).execute();
  }
}
