// SQLite's fast path for request log entries, as for usage events (sqlite-usage-sink.ts): two statements prepared
// once — insert-or-ignore an entry, index its text — run row by row in one transaction, bound positionally. Building
// and preparing a multi-row statement for every batch costs several times more. Same semantics as
// RequestLogRepository.insertRows: the bodies go in blocks (body-blocks.ts) written in the same transaction; an entry
// already stored is skipped, its text not indexed again.
import BetterSqlite3 from 'better-sqlite3';
import type { BatchSink } from '../batch-writer.js';
import { type BodyBlockRow, storeBodiesInBlocks } from '../body-blocks.js';
import type { RequestLogRow } from '../repositories/request-log.js';
import type { RequestLogTable } from '../schema.js';
import { sqlitePath, USAGE_WRITER_CHECKPOINT_PAGES } from './sqlite.js';

const COLUMNS = [
  'id',
  'tenant_id',
  'created_at',
  'key_id',
  'customer_id',
  'environment',
  'endpoint',
  'requested_model',
  'provider',
  'served_model',
  'prompt_tokens',
  'completion_tokens',
  'cached_tokens',
  'cost_micros',
  'latency_ms',
  'upstream_ms',
  'ttft_ms',
  'streamed',
  'status',
  'error_code',
  'flow_id',
  'flow_version',
  'level',
  'attempt_count',
  'attempts',
  'metadata',
  'preview',
  'request_body',
  'request_bytes',
  'request_truncated',
  'response_body',
  'response_bytes',
  'response_truncated',
] as const satisfies readonly (keyof RequestLogTable)[];

export class SqliteRequestLogSink implements BatchSink<RequestLogRow> {
  private readonly database: BetterSqlite3.Database;
  private readonly write: (rows: readonly RequestLogRow[], blocks: readonly BodyBlockRow[]) => void;

  constructor(url: string) {
    this.database = new BetterSqlite3(sqlitePath(url));
    this.database.pragma('busy_timeout = 5000');
    this.database.pragma('synchronous = NORMAL');
    // As the usage writer's (sqlite-usage-sink.ts): SQLite's default of 1,000 pages would checkpoint ten times as often.
    this.database.pragma(`wal_autocheckpoint = ${USAGE_WRITER_CHECKPOINT_PAGES}`);
    const insertEntry = this.database.prepare(
      `INSERT INTO request_log (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map(() => '?').join(', ')}) ON CONFLICT (id) DO NOTHING`,
    );
    const indexText = this.database.prepare('INSERT INTO request_log_search (rowid, text) VALUES (?, ?)');
    const insertBlock = this.database.prepare('INSERT INTO request_log_bodies (id, tenant_id, created_at, data) VALUES (?, ?, ?, ?)');
    this.write = this.database.transaction((rows: readonly RequestLogRow[], blocks: readonly BodyBlockRow[]) => {
      for (const block of blocks) insertBlock.run(block.id, block.tenant_id, block.created_at, block.data);
      for (const { row, searchText } of rows) {
        const values = COLUMNS.map((column) => row[column] ?? null);
        const inserted = insertEntry.run(...values);
        if (inserted.changes === 1 && searchText !== '') indexText.run(inserted.lastInsertRowid, searchText);
      }
    });
  }

  async insertBatch(rows: readonly RequestLogRow[]): Promise<void> {
    // Compressed before the transaction, not while it holds the database's write lock.
    const blocks = storeBodiesInBlocks(rows);
    this.write(rows, blocks);
  }

  close(): void {
    this.database.close();
  }
}
