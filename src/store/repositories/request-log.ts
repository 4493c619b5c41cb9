// The request log's entries: written in batches (by the writer thread), read a page or one entry at a time, deleted
// past their tenant's retention; every query takes the tenant first.

import { type Insertable, PostgresAdapter, type Selectable, sql } from 'kysely';
import { type RowBodies, storeBodiesInBlocks } from '../body-blocks.js';
import type { Db } from '../database.js';
import type { KeysetPosition } from '../keyset-cursor.js';
import type { RequestLogTable } from '../schema.js';

/**
 * An entry as its columns, with the plain text that search indexes (not stored itself) and its bodies' texts, which
 * storeBodiesInBlocks() stores in its body columns.
 */
export interface RequestLogRow {
  row: Insertable<RequestLogTable>;
  searchText: string;
  bodies?: RowBodies;
}

export interface RequestLogFilter {
  from: number;
  to: number;
  /** A customer's external id. */
  customer?: string | undefined;
  keyId?: string | undefined;
  model?: string | undefined;
  provider?: string | undefined;
  /** `success` (< 400), `error` (>= 400), or one HTTP status. */
  status?: 'success' | 'error' | number | undefined;
  environment?: string | undefined;
  endpoint?: string | undefined;
  /** Words to find in prompts and answers. */
  q?: string | undefined;
}

export type StoredRequestLogEntry = Omit<Selectable<RequestLogTable>, 'request_body' | 'response_body'> & {
  customer_external_id: string | null;
  request_body?: Uint8Array | null;
  response_body?: Uint8Array | null;
};

/** SQLite binds at most 32,766 values per statement; an entry has 33 columns. */
const SQLITE_ROWS_PER_INSERT = 500;

export class RequestLogRepository {
  private readonly postgres: boolean;

  constructor(private readonly db: Db) {
    this.postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  }

  /**
   * Idempotent by id: a batch retried after an ambiguous failure writes each entry once (its bodies' blocks again,
   * referenced by none: they go with the retention). The rows' bodies are stored in blocks here.
   */
  async insertRows(rows: readonly RequestLogRow[]): Promise<void> {
    if (rows.length === 0) return;
    const blocks = storeBodiesInBlocks(rows);
    // The entries and their blocks (and on SQLite their search text) together, or none of them.
    await this.db.transaction().execute(async (trx) => {
      if (blocks.length > 0) await trx.insertInto('request_log_bodies').values(blocks).execute();
      if (this.postgres) {
        await trx
          .insertInto('request_log')
          .values(rows.map(({ row, searchText }) => ({ ...row, search: sql`to_tsvector('simple', ${searchText})` }) as never))
          .onConflict((oc) => oc.column('id').doNothing())
          .execute();
        return;
      }
      for (let start = 0; start < rows.length; start += SQLITE_ROWS_PER_INSERT) {
        const part = rows.slice(start, start + SQLITE_ROWS_PER_INSERT);
        const inserted = await trx
          .insertInto('request_log')
          .values(part.map(({ row }) => row))
          .onConflict((oc) => oc.column('id').doNothing())
          .returning(['id', sql<number>`rowid`.as('rowid')])
          .execute();
        const texts = new Map(part.map(({ row, searchText }) => [row.id, searchText]));
        const indexed = inserted.flatMap(({ id, rowid }) => {
          const text = texts.get(id);
          return text ? [sql`(${rowid}, ${text})`] : [];
        });
        if (indexed.length > 0) await sql`insert into request_log_search (rowid, text) values ${sql.join(indexed)}`.execute(trx);
      }
    });
  }

  /** A page, newest first, after `cursor`. */
  async list(tenantId: string, filter: RequestLogFilter, limit: number, cursor?: KeysetPosition): Promise<StoredRequestLogEntry[]> {
    let query = this.db
      .selectFrom('request_log')
      .leftJoin('customers', (join) => join.onRef('customers.id', '=', 'request_log.customer_id'))
      .selectAll('request_log')
      .select('customers.external_id as customer_external_id')
      .where('request_log.tenant_id', '=', tenantId)
      .where('request_log.created_at', '>=', filter.from)
      .where('request_log.created_at', '<', filter.to);
    if (filter.customer !== undefined)
      query = query.where('customers.external_id', '=', filter.customer).where('customers.tenant_id', '=', tenantId);
    if (filter.keyId !== undefined) query = query.where('request_log.key_id', '=', filter.keyId);
    if (filter.model !== undefined) query = query.where('request_log.requested_model', '=', filter.model);
    if (filter.provider !== undefined) query = query.where('request_log.provider', '=', filter.provider);
    if (filter.environment !== undefined) query = query.where('request_log.environment', '=', filter.environment);
    if (filter.endpoint !== undefined) query = query.where('request_log.endpoint', '=', filter.endpoint);
    if (filter.status === 'success') query = query.where('request_log.status', '<', 400);
    else if (filter.status === 'error') query = query.where('request_log.status', '>=', 400);
    else if (filter.status !== undefined) {
      query = query.where('request_log.status', '=', filter.status);
      // Said outright, so that the planner sees the errors' partial index applies (it does not infer it from the equality).
      if (filter.status >= 400) query = query.where('request_log.status', '>=', 400);
    }
    const words = searchWords(filter.q);
    if (words.length > 0) {
      query = this.postgres
        ? query.where(sql<boolean>`request_log.search @@ plainto_tsquery('simple', ${words.join(' ')})`)
        : query.where(
            sql<boolean>`request_log.rowid in (select rowid from request_log_search where request_log_search match ${words.map((word) => `"${word}"`).join(' ')})`,
          );
    }
    if (cursor !== undefined) {
      query = query.where((eb) =>
        eb.or([
          eb('request_log.created_at', '<', cursor.at),
          eb.and([eb('request_log.created_at', '=', cursor.at), eb('request_log.id', '<', cursor.id)]),
        ]),
      );
    }
    const rows = await query.orderBy('request_log.created_at', 'desc').orderBy('request_log.id', 'desc').limit(limit).execute();
    return rows.map(({ request_body: _request, response_body: _response, ...row }) => row as StoredRequestLogEntry);
  }

  async find(tenantId: string, id: string): Promise<StoredRequestLogEntry | undefined> {
    return await this.db
      .selectFrom('request_log')
      .leftJoin('customers', (join) => join.onRef('customers.id', '=', 'request_log.customer_id'))
      .selectAll('request_log')
      .select('customers.external_id as customer_external_id')
      .where('request_log.tenant_id', '=', tenantId)
      .where('request_log.id', '=', id)
      .executeTakeFirst();
  }

  /** A block of the tenant's bodies, as stored (compressed). */
  async bodyBlock(tenantId: string, id: string): Promise<Uint8Array | undefined> {
    const block = await this.db
      .selectFrom('request_log_bodies')
      .select('data')
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
    return block?.data;
  }

  /**
   * Deletes up to `limit` of a tenant's body blocks whose newest entry is older than `before` (so are all their
   * entries); answers how many.
   */
  deleteBlocksOlderThan(tenantId: string, before: number, limit: number): Promise<number> {
    return this.deleteOldest('request_log_bodies', tenantId, before, limit);
  }

  /** Deletes up to `limit` of a tenant's entries older than `before`, oldest first; answers how many. */
  deleteOlderThan(tenantId: string, before: number, limit: number): Promise<number> {
    return this.deleteOldest('request_log', tenantId, before, limit);
  }

  private async deleteOldest(
    table: 'request_log' | 'request_log_bodies',
    tenantId: string,
    before: number,
    limit: number,
  ): Promise<number> {
    const oldest = this.db
      .selectFrom(table)
      .select('id')
      .where('tenant_id', '=', tenantId)
      .where('created_at', '<', before)
      .orderBy('created_at')
      .limit(limit);
    const result = await this.db.deleteFrom(table).where('tenant_id', '=', tenantId).where('id', 'in', oldest).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

/** The words of a search, as letters and digits only: neither FTS5's query syntax nor tsquery's can be injected. */
export function searchWords(q: string | undefined): string[] {
  if (q === undefined) return [];
  return (q.match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 16);
}
