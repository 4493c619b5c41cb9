// Hands batches to the writer worker and waits for each to be stored (or to fail, so the BatchWriter retries it or
// looks for the record the database refused).
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { BatchSink } from './batch-writer.js';
import type { FlowRunRecord } from './repositories/flow-runs.js';
import type { ResponseCacheWriter } from './repositories/response-cache.js';
import { type StoredResponseWriter, storedResponseRow } from './repositories/stored-responses.js';
import { toValues, type UsageEvent } from './repositories/usage-events.js';
import { frameRecords, type RequestLogRecord } from './request-log-record.js';
import { rebuildWriteError, type WriteErrorDetails } from './write-errors.js';

export type WriterKind = 'usage' | 'flow-runs' | 'stored-responses' | 'response-cache' | 'request-log';

export interface WriterJob {
  id: number;
  kind: WriterKind;
  /**
   * The batch as JSON text. V8 copies a string between threads as one block of bytes; an array of 500 events it
   * serialises and rebuilds value by value (structured clone), which cost twice what JSON.stringify and JSON.parse do.
   */
  batch: string;
  /** The request log's texts, framed outside `batch` (frameRecords()): transferred, not copied. */
  bytes?: ArrayBuffer;
}

export interface WriterReply {
  id: number;
  /** The failure's message and code, which tell a record the database refuses from a database out of reach. */
  error?: WriteErrorDetails;
}

// Compiled, the worker is a .js beside this file. Run from source (tests, tsx) it is .ts: the worker then starts from a
// snippet that registers tsx's loader first (Node 20 does not pass --import loaders on to workers).
const fromSource = import.meta.url.endsWith('.ts');
const WORKER_URL = new URL(`./writer-worker.${fromSource ? 'ts' : 'js'}`, import.meta.url);

// The worker's objects are a batch at a time: a small young generation is plenty, and V8's default (sized for the main
// thread) would hold about 10 MB more resident for nothing.
const RESOURCE_LIMITS = { maxYoungGenerationSizeMb: 6 };

/** What the writer thread is started with. */
export interface WriterWorkerData {
  databaseUrl: string;
  /** Request and answer bodies past this many bytes are truncated in the request log. */
  requestLogMaxBodyBytes: number;
}

function startWorker(workerData: WriterWorkerData): Worker {
  if (!fromSource) return new Worker(WORKER_URL, { workerData, resourceLimits: RESOURCE_LIMITS });
  // Resolved from here, not from the working directory (the CLI may run anywhere).
  const tsxApi = pathToFileURL(join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/esm/api/index.mjs')).href;
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then(({ register }) => { register(); return import(${JSON.stringify(WORKER_URL.href)}); });`;
  return new Worker(bootstrap, { eval: true, workerData, resourceLimits: RESOURCE_LIMITS });
}

interface RunningWorker {
  worker: Worker;
  ready: Promise<void>;
}

/**
 * The writer thread, started again when it has stopped: a worker that died (an uncaught error in a driver, out of
 * memory) would otherwise leave every later batch waiting for an answer that never comes, and metering stopped for
 * good. The batches it had in hand fail, for the BatchWriter to retry; the next batch starts a new thread, so that
 * restarts come no faster than the writer's retries.
 */
export class WriterWorker {
  private current: RunningWorker | undefined;
  private readonly pending = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
  private nextId = 0;
  private closing = false;

  private readonly workerData: WriterWorkerData;

  constructor(
    databaseUrl: string,
    private readonly logger?: Logger,
    requestLogMaxBodyBytes = 1024 * 1024,
  ) {
    this.workerData = { databaseUrl, requestLogMaxBodyBytes };
    this.current = this.start();
  }

  private start(): RunningWorker {
    const worker = startWorker(this.workerData);
    const ready = new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('error', reject);
      // A thread that ends without an error before it is ready (nothing else would settle this) must not leave the
      // writes waiting on it forever.
      worker.once('exit', (code) => reject(new Error(`the writer thread stopped before it was ready (exit code ${code})`)));
    });
    ready.catch(() => undefined); // awaited by whenReady() and write(); here only so that it is never unhandled
    worker.on('message', (reply: WriterReply | 'ready') => {
      if (reply === 'ready') return;
      const waiter = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (reply.error === undefined) waiter?.resolve();
      else waiter?.reject(rebuildWriteError(reply.error));
    });
    worker.on('error', (error) => {
      this.logger?.error({ err: error }, 'the writer thread failed');
      this.failPending(error);
    });
    worker.once('exit', (code) => {
      if (this.current?.worker === worker) this.current = undefined;
      const batches = this.pending.size;
      if (!this.closing)
        this.logger?.error({ exitCode: code, batches }, 'the writer thread stopped: its batches are retried on a new thread');
      this.failPending(new Error(`the writer thread stopped (exit code ${code})`));
    });
    return { worker, ready };
  }

  private failPending(error: Error): void {
    for (const waiter of this.pending.values()) waiter.reject(error);
    this.pending.clear();
  }

  /** Usage events cross to the worker as their column values (UsageEventValues), the form its writers bind. */
  usageSink(): BatchSink<UsageEvent> {
    return { insertBatch: (events) => this.write('usage', JSON.stringify(events.map(toValues))) };
  }

  flowRunSink(): BatchSink<FlowRunRecord> {
    return { insertBatch: (runs) => this.write('flow-runs', JSON.stringify(runs)) };
  }

  /**
   * Request log entries cross as they were recorded, their bodies framed beside the batch's JSON rather than escaped
   * into it: the thread reassembles, truncates and compresses them.
   */
  requestLogSink(): BatchSink<RequestLogRecord> {
    return {
      insertBatch: (records) => {
        const { batch, bytes } = frameRecords(records);
        return this.write('request-log', batch, bytes);
      },
    };
  }

  /** One stored response at a time, written at once: its answer waits for it (see ResponseStore). */
  storedResponseSink(): StoredResponseWriter {
    return { insert: (record) => this.write('stored-responses', JSON.stringify([storedResponseRow(record)])) };
  }

  /** Response cache entries, written off the event loop (SQLite writes are synchronous, and may wait for the lock). */
  responseCacheSink(): ResponseCacheWriter {
    return { putRows: (rows) => this.write('response-cache', JSON.stringify(rows)) };
  }

  async whenReady(): Promise<void> {
    await this.current?.ready;
  }

  private async write(kind: WriterKind, batch: string, bytes?: ArrayBuffer): Promise<void> {
    if (this.closing) throw new Error('the writer thread is closed');
    this.current ??= this.start();
    const { worker, ready } = this.current;
    await ready;
    if (this.current?.worker !== worker) throw new Error('the writer thread stopped');
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (bytes === undefined) worker.postMessage({ id, kind, batch } satisfies WriterJob);
      else worker.postMessage({ id, kind, batch, bytes } satisfies WriterJob, [bytes]);
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    const worker = this.current?.worker;
    if (worker === undefined) return;
    worker.postMessage('close');
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => void worker.terminate().then(() => resolve()), 5_000);
      worker.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
