// Responses a tenant chose to store (the Responses API's `store`): their conversation and the answer, by id, always
// within one tenant.
import type { Insertable } from 'kysely';
import type { Db } from '../database.js';
import type { StoredResponsesTable } from '../schema.js';

export interface StoredResponseRecord {
  id: string;
  tenantId: string;
  /** The conversation's input items, earlier turns first. */
  input: readonly unknown[];
  /** The response object as it was answered. */
  response: object;
  createdAt: number;
}

/** A stored response as its columns: the JSON serialised once, on the thread that answered. */
export type StoredResponseRow = Insertable<StoredResponsesTable>;

export function storedResponseRow(record: StoredResponseRecord): StoredResponseRow {
  return {
    id: record.id,
    tenant_id: record.tenantId,
    input: JSON.stringify(record.input),
    response: JSON.stringify(record.response),
    created_at: record.createdAt,
  };
}

/** Where a stored response is written: the repository, or the writer thread that keeps writes off the event loop. */
export interface StoredResponseWriter {
  insert(record: StoredResponseRecord): Promise<void>;
}

export class StoredResponseRepository implements StoredResponseWriter {
  constructor(private readonly db: Db) {}

  async insert(record: StoredResponseRecord): Promise<void> {
    await this.insertRows([storedResponseRow(record)]);
  }

  /** Rows already in column form (the writer thread receives them so). */
  async insertRows(rows: readonly StoredResponseRow[]): Promise<void> {
    if (rows.length > 0)
      await this.db
        .insertInto('stored_responses')
        .values([...rows])
        .execute();
  }

  async find(tenantId: string, id: string): Promise<StoredResponseRecord | undefined> {
    const row = await this.db
      .selectFrom('stored_responses')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (row === undefined) return undefined;
    return {
      id: row.id,
      tenantId: row.tenant_id,
      input: JSON.parse(row.input) as unknown[],
      response: JSON.parse(row.response) as object,
      createdAt: Number(row.created_at),
    };
  }

  async delete(tenantId: string, id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('stored_responses').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /** Deletes a tenant's responses stored before `before` (epoch ms); answers how many. */
  async deleteOlderThan(tenantId: string, before: number): Promise<number> {
    const result = await this.db
      .deleteFrom('stored_responses')
      .where('tenant_id', '=', tenantId)
      .where('created_at', '<', before)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
