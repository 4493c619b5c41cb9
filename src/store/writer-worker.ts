// A worker thread that writes batches of records with its own database connection, so that the inserts (synchronous
// with SQLite) and the rollup upserts never run on the event loop that serves requests.
import { parentPort, workerData } from 'node:worker_threads';
import { dialectOf, openDatabase } from './database.js';
import { PostgresUsageSink } from './dialects/postgres-usage-sink.js';
import { SqliteUsageSink } from './dialects/sqlite-usage-sink.js';
import { FlowRunRepository } from './repositories/flow-runs.js';
import { RequestLogRepository } from './repositories/request-log.js';
import { StoredResponseRepository } from './repositories/stored-responses.js';
import { type RequestLogRecord, requestLogRow } from './request-log-record.js';
import type { WriterJob, WriterReply, WriterWorkerData } from './worker-sink.js';
import { describeWriteError } from './write-errors.js';

const { databaseUrl, requestLogMaxBodyBytes } = workerData as WriterWorkerData;
const db = await openDatabase(databaseUrl);
const sqliteUsage = dialectOf(databaseUrl) === 'sqlite' ? new SqliteUsageSink(databaseUrl) : undefined;
const storedResponses = new StoredResponseRepository(db);
const requestLog = new RequestLogRepository(db);
const sinks = {
  usage: sqliteUsage ?? new PostgresUsageSink(db),
  'flow-runs': new FlowRunRepository(db),
  'stored-responses': { insertBatch: (rows: never[]) => storedResponses.insertRows(rows) },
  // Reassembled, truncated and gzipped here, on this thread, not on the one that serves requests.
  'request-log': {
    insertBatch: (records: RequestLogRecord[]) =>
      requestLog.insertRows(records.map((record) => requestLogRow(record, requestLogMaxBodyBytes))),
  },
};

parentPort?.on('message', async (job: WriterJob | 'close') => {
  if (job === 'close') {
    try {
      sqliteUsage?.close();
      await db.destroy();
    } catch {
      // A database already gone: the thread ends either way, rather than on an unhandled rejection.
    }
    parentPort?.close();
    return;
  }
  let reply: WriterReply;
  try {
    await sinks[job.kind].insertBatch(JSON.parse(job.batch));
    reply = { id: job.id };
  } catch (error) {
    reply = { id: job.id, error: describeWriteError(error) };
  }
  parentPort?.postMessage(reply);
});
parentPort?.postMessage('ready');
