// A worker thread that writes batches of records with its own database connection, so that the inserts (synchronous
// with SQLite) and the rollup upserts never run on the event loop that serves requests.
import { parentPort, workerData } from 'node:worker_threads';
import { dialectOf, openDatabase } from './database.js';
import { PostgresUsageSink } from './dialects/postgres-usage-sink.js';
import { SqliteRequestLogSink } from './dialects/sqlite-request-log-sink.js';
import { SqliteUsageSink } from './dialects/sqlite-usage-sink.js';
import { FlowRunRepository } from './repositories/flow-runs.js';
import { RequestLogRepository, type RequestLogRow } from './repositories/request-log.js';
import { ResponseCacheRepository } from './repositories/response-cache.js';
import { StoredResponseRepository } from './repositories/stored-responses.js';
import { type FramedRequestLogRecord, receivedLogRow, unframeRecords } from './request-log-record.js';
import type { WriterJob, WriterReply, WriterWorkerData } from './worker-sink.js';
import { describeWriteError } from './write-errors.js';

const { databaseUrl, requestLogMaxBodyBytes } = workerData as WriterWorkerData;
const db = await openDatabase(databaseUrl);
const sqliteUsage = dialectOf(databaseUrl) === 'sqlite' ? new SqliteUsageSink(databaseUrl) : undefined;
const storedResponses = new StoredResponseRepository(db);
const responseCache = new ResponseCacheRepository(db);
const sqliteRequestLog = dialectOf(databaseUrl) === 'sqlite' ? new SqliteRequestLogSink(databaseUrl) : undefined;
const requestLog = sqliteRequestLog ?? { insertBatch: (rows: RequestLogRow[]) => new RequestLogRepository(db).insertRows(rows) };
const sinks = {
  usage: sqliteUsage ?? new PostgresUsageSink(db),
  'flow-runs': new FlowRunRepository(db),
  'stored-responses': { insertBatch: (rows: never[]) => storedResponses.insertRows(rows) },
  'response-cache': { insertBatch: (rows: never[]) => responseCache.putRows(rows) },
  // Reassembled, truncated and gzipped here, on this thread, not on the one that serves requests.
  'request-log': {
    insertBatch: (framed: FramedRequestLogRecord[], bytes = new ArrayBuffer(0)) =>
      requestLog.insertBatch(unframeRecords(framed, Buffer.from(bytes)).map((record) => receivedLogRow(record, requestLogMaxBodyBytes))),
  },
};

parentPort?.on('message', async (job: WriterJob | 'close') => {
  if (job === 'close') {
    try {
      sqliteUsage?.close();
      sqliteRequestLog?.close();
      await db.destroy();
    } catch {
      // A database already gone: the thread ends either way, rather than on an unhandled rejection.
    }
    parentPort?.close();
    return;
  }
  let reply: WriterReply;
  try {
    const batch = JSON.parse(job.batch);
    await (job.kind === 'request-log' ? sinks['request-log'].insertBatch(batch, job.bytes) : sinks[job.kind].insertBatch(batch));
    reply = { id: job.id };
  } catch (error) {
    reply = { id: job.id, error: describeWriteError(error) };
  }
  parentPort?.postMessage(reply);
});
parentPort?.postMessage('ready');
