// Writes records (usage events, flow runs) in batches, off the response path. Never drops one: a failed batch goes
// back to the front of the queue and is retried with backoff; the queue's bound is enforced at admission (reserve)
// rather than by discarding; with a journal, each record is on disk from the moment it is recorded until its batch is
// committed, so that a killed process loses none; whatever cannot reach the database at shutdown is spilled to a file,
// and both are replayed at the next start. Sinks must be idempotent by record id, so a batch retried after an ambiguous failure never doubles.
// A record the database refuses (its data, not the database's state: see write-errors.ts) is found by splitting its
// batch in halves and set aside as a dead letter, so that it never holds up the records behind it.
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { RefusedRecord } from './dead-letters.js';
import { appendPrivateFile } from './private-files.js';
import type { RecordJournal } from './record-journal.js';
import { isRecordError } from './write-errors.js';

export interface BatchSink<T> {
  insertBatch(records: readonly T[]): Promise<void>;
}

export interface BatchWriterOptions<T> {
  /** Names the records in logs and spill files, e.g. `usage`. */
  name: string;
  maxQueue: number;
  batchSize: number;
  /**
   * With `weigh`, a batch also stops before its records' weights pass this (one record always goes): the records of a
   * batch are serialised for the writer thread in one go, on the event loop, so the size of a batch is how long that
   * loop is blocked. Request log entries carry whole prompts and answers: 500 of them are megabytes.
   */
  maxBatchWeight?: number;
  weigh?: (record: T) => number;
  flushIntervalMs: number;
  /** Where events that could not be written at shutdown are kept until the next start. */
  spillDir: string | undefined;
  /**
   * The database the records go to (databaseTag()): spill files are named after it, and only its own are replayed —
   * an instance never writes another database's records into its own. Files spilled before spills were tagged are
   * replayed by any.
   */
  spillTag?: string;
  logger: Logger;
  retryInitialMs?: number;
  retryMaxMs?: number;
  /** Keeps a record the database refused; without it such a record is retried like any failed write. */
  setAside?: (refused: Omit<RefusedRecord, 'kind'>) => Promise<void>;
  /** Where each record is appended as it is recorded, until it is committed. */
  journal?: RecordJournal<T>;
}

/** Records that could be neither written nor spilled at shutdown: they are lost, and the process must say so. */
export class RecordsLostError extends Error {
  constructor(
    readonly kind: string,
    readonly count: number,
    cause: unknown,
  ) {
    super(`${count} ${kind} records could not be written to the database nor spilled to disk: they are lost`, { cause });
    this.name = 'RecordsLostError';
  }
}

export class BatchWriter<T> {
  private queue: T[] = [];
  /** The batch being written: spilled too, should the write still be hanging when shutdown's time is up. */
  private inFlight: T[] = [];
  /** When the writer last made progress: wrote a batch, or found its queue empty. See stalledForMs(). */
  private progressAt = Date.now();
  private flushing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private failures = 0;
  private retryAt = 0;
  private lastFullReport = 0;
  /**
   * Events written since start; requests turned away because the queue was full; records of requests that held no
   * place in the queue (turned away, or refused before any provider call) left out because it was full.
   */
  readonly stats = { written: 0, rejected: 0, notQueued: 0, failedBatches: 0, setAside: 0 };
  /** Places in the queue held by requests admitted and not yet recorded: with the queue, never more than maxQueue. */
  private reserved = 0;
  /**
   * Records ever queued, and records taken off the queue's head for good (written, set aside or spilled). The queue
   * is first in, first out (a failed batch goes back to the front), so record number n is done once finished >= n:
   * the journal's segments are released by that number.
   */
  private enqueued = 0;
  private finished = 0;
  private closed = false;

  private readonly spillPrefix: string;
  /**
   * Records replayed from a spill file that had to be kept (the database was out of reach at start-up): they are
   * still in that file, so a shutdown does not spill them a second time.
   */
  private readonly keptInSpillFile = new WeakSet<object>();
  /** Records set aside while a batch that holds them may still be retried (after a later, transient failure). */
  private readonly setAsideRecords = new WeakSet<object>();

  constructor(
    private readonly sink: BatchSink<T>,
    private readonly options: BatchWriterOptions<T>,
  ) {
    this.spillPrefix = `${options.name}-spill-${options.spillTag === undefined ? '' : `${options.spillTag}-`}`;
  }

  start(): void {
    this.timer = setInterval(() => void this.write(false), this.options.flushIntervalMs);
    this.timer.unref();
  }

  get depth(): number {
    return this.queue.length + this.inFlight.length;
  }

  /**
   * How long records have been waiting without a batch being written (0 when nothing waits): a stalled writer — a
   * database that takes no writes, a writer thread that cannot be started, a write that hangs — for /readyz to report.
   */
  stalledForMs(now = Date.now()): number {
    return this.depth === 0 ? 0 : now - this.progressAt;
  }

  /**
   * Admission before a request goes upstream: holds a place in the queue for its record (record(…, true) takes it),
   * so that the queue never grows past maxQueue. False when the queue is full, which is logged, not silent.
   */
  reserve(): boolean {
    if (this.depth + this.reserved < this.options.maxQueue) {
      this.reserved++;
      return true;
    }
    this.stats.rejected++;
    const now = Date.now();
    if (now - this.lastFullReport > 10_000) {
      this.lastFullReport = now;
      this.options.logger.error(
        { depth: this.depth, maxQueue: this.options.maxQueue, rejected: this.stats.rejected },
        `${this.options.name} queue is full: requests are refused with 503 until the database catches up`,
      );
    }
    return false;
  }

  /**
   * Queues a record (and journals it). A record whose request holds a place (reserve()) is always kept; one without —
   * a request refused before any provider call, so no tokens and no cost — is counted, not queued, when the queue is
   * full. After close(), a record goes straight to a spill file.
   */
  record(item: T, holdsPlace = false): void {
    if (holdsPlace) this.reserved = Math.max(0, this.reserved - 1);
    else if (this.depth + this.reserved >= this.options.maxQueue) {
      this.stats.notQueued++;
      return;
    }
    if (this.closed) {
      // Too late for the writer: to a spill file (a failure there is logged as lost by spill()).
      try {
        this.spill([item]);
      } catch {}
      return;
    }
    if (this.depth === 0) this.progressAt = Date.now();
    this.enqueued++;
    this.options.journal?.append(item, this.enqueued);
    this.queue.push(item);
    if (this.queue.length >= this.options.batchSize) void this.write(false);
  }

  /** Records taken off the queue for good: the journal lets go of them. */
  private done(count: number): void {
    this.finished += count;
    this.options.journal?.release(this.finished);
  }

  /** Writes everything queued (unless a failed batch is waiting for its retry time). */
  flush(): Promise<void> {
    return this.write(true);
  }

  /**
   * Without `drain`, as the timer and a full queue do: one batch, then more only while full ones are waiting. What
   * arrives during a write waits for the next tick instead of going out as a small batch of its own: under load that
   * keeps batches large (a few per second rather than a hundred), which is what makes the database's work per event
   * small, PostgreSQL's above all.
   */
  private write(drain: boolean): Promise<void> {
    if (this.flushing) return drain ? this.flushing.then(() => this.write(true)) : this.flushing;
    if (this.queue.length === 0 || Date.now() < this.retryAt) return Promise.resolve();
    this.flushing = this.writeQueued(drain).finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  private async writeQueued(drain: boolean): Promise<void> {
    do {
      const batch = this.queue.splice(0, this.nextBatchSize());
      this.inFlight = batch;
      try {
        await this.store(batch);
        this.progressAt = Date.now();
        this.done(batch.length);
        if (this.failures > 0) this.options.logger.info({ depth: this.depth }, `${this.options.name} writes recovered`);
        this.failures = 0;
        this.retryAt = 0;
      } catch (error) {
        this.queue = batch.concat(this.queue);
        this.failures++;
        this.stats.failedBatches++;
        const initial = this.options.retryInitialMs ?? 100;
        const delay = Math.min(initial * 2 ** (this.failures - 1), this.options.retryMaxMs ?? 5_000);
        this.retryAt = Date.now() + delay;
        this.options.logger.warn({ err: error, depth: this.depth, retryInMs: delay }, `${this.options.name} batch not written; will retry`);
        return;
      } finally {
        this.inFlight = [];
      }
    } while (drain ? this.queue.length > 0 : this.fullBatchWaiting());
  }

  /** Whether the queue holds a whole batch: batchSize records, or more than maxBatchWeight. */
  private fullBatchWaiting(): boolean {
    return this.queue.length >= this.options.batchSize || this.nextBatchSize() < this.queue.length;
  }

  /** How many records from the queue's head go in the next batch: batchSize, or fewer to keep to maxBatchWeight. */
  private nextBatchSize(): number {
    const { batchSize, weigh, maxBatchWeight } = this.options;
    if (weigh === undefined || maxBatchWeight === undefined) return batchSize;
    const limit = Math.min(batchSize, this.queue.length);
    let weight = 0;
    for (let count = 0; count < limit; count++) {
      weight += weigh(this.queue[count] as T);
      if (weight > maxBatchWeight) return Math.max(count, 1);
    }
    return limit;
  }

  /**
   * Flushes everything; waits through retries until the deadline, then spills what is left to disk — the batch whose
   * write still hangs included (written twice is harmless: the sink is idempotent). Throws RecordsLostError when
   * records could be neither written nor spilled, so that the process does not end as if nothing were lost.
   */
  async close(timeoutMs: number): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.closed = true;
    const deadline = Date.now() + timeoutMs;
    while (this.depth > 0 && Date.now() < deadline) {
      const wait = Math.min(this.retryAt - Date.now(), deadline - Date.now());
      if (wait > 0) await sleep(wait);
      const timeUp = new AbortController();
      const deadlinePassed = sleep(Math.max(deadline - Date.now(), 0), undefined, { signal: timeUp.signal }).catch(() => undefined);
      await Promise.race([this.flush(), deadlinePassed]);
      timeUp.abort();
    }
    const left = [...this.inFlight, ...this.queue].filter((record) => !this.keptInSpillFile.has(record as object));
    this.queue = [];
    if (left.length > 0) {
      // Throws RecordsLostError if they cannot be spilled either: the journal then keeps them for the next start.
      this.spill(left);
      this.done(left.length);
    }
    this.options.journal?.close();
  }

  private spill(records: readonly T[]): void {
    const { spillDir, logger, name } = this.options;
    if (spillDir === undefined) throw this.lost(records.length, new Error('no spill directory is set'));
    const file = join(spillDir, `${this.spillPrefix}${Date.now()}-${process.pid}.jsonl`);
    try {
      appendPrivateFile(file, `${records.map((record) => JSON.stringify(record)).join('\n')}\n`);
    } catch (error) {
      throw this.lost(records.length, error);
    }
    logger.error({ count: records.length, file }, `database unreachable at shutdown: ${name} records spilled to disk`);
  }

  private lost(count: number, cause: unknown): RecordsLostError {
    const error = new RecordsLostError(this.options.name, count, cause);
    this.options.logger.fatal({ err: cause, lost: count }, error.message);
    return error;
  }

  /**
   * Writes a batch. When the database refuses it for what a record holds, writes each half on its own, down to the
   * record it refuses, which is set aside: about two writes per halving (nine for a batch of 500) to find one bad
   * record. A transient failure is thrown for the caller to retry the batch, halves already written included (the
   * sink is idempotent); records already set aside are left out of the retry.
   */
  private async store(batch: readonly T[]): Promise<void> {
    const records = batch.filter((record) => !this.setAsideRecords.has(record as object));
    if (records.length === 0) return;
    try {
      await this.sink.insertBatch(records);
      this.stats.written += records.length;
    } catch (error) {
      const setAside = this.options.setAside;
      if (setAside === undefined || !isRecordError(error)) throw error;
      if (records.length === 1) {
        const [record] = records;
        await setAside({ record, error });
        if (typeof record === 'object' && record !== null) this.setAsideRecords.add(record);
        this.stats.setAside++;
        return;
      }
      const half = Math.ceil(records.length / 2);
      await this.store(records.slice(0, half));
      await this.store(records.slice(half));
    }
  }

  /**
   * Writes records spilled by an earlier shutdown, and those a killed process left in its journal; a file is removed
   * once all of it is stored or set aside. Never
   * throws, so that a bad spill file cannot keep the server from starting: a line that is not JSON and a record the
   * database refuses are set aside; when the database cannot be reached, the file is kept for the next start and its
   * records are queued, to be written as soon as it can (twice is harmless: the sink is idempotent).
   */
  async replaySpilled(): Promise<number> {
    const { spillDir, logger } = this.options;
    const journalFiles = new Set(this.options.journal?.leftovers());
    const files = [...journalFiles];
    if (spillDir !== undefined) {
      try {
        for (const name of readdirSync(spillDir)) {
          if (this.isOwnSpillFile(name)) files.push(join(spillDir, name));
        }
      } catch {
        // no spill directory yet: nothing spilled
      }
    }
    let replayed = 0;
    for (const file of files) {
      const name = basename(file);
      let records: T[];
      try {
        records = await this.readSpilled(file, name, journalFiles.has(file));
      } catch (error) {
        logger.error({ err: error, file }, `spilled ${this.options.name} records could not be read; the file is kept`);
        continue;
      }
      let written = 0;
      try {
        for (; written < records.length; written += this.options.batchSize) {
          await this.store(records.slice(written, written + this.options.batchSize));
        }
        rmSync(file);
        replayed += records.length;
        logger.info({ count: records.length, file }, `replayed spilled ${this.options.name} records`);
      } catch (error) {
        const left = records.slice(written);
        for (const record of left) if (typeof record === 'object' && record !== null) this.keptInSpillFile.add(record);
        this.queue.push(...left);
        this.enqueued += left.length;
        logger.warn(
          { err: error, file, queued: left.length },
          `spilled ${this.options.name} records not written at start-up: queued for the writer, file kept for the next start`,
        );
      }
    }
    return replayed;
  }

  /** A spill file of this writer's records for this database, or one from before spill files named their database. */
  private isOwnSpillFile(name: string): boolean {
    if (!name.endsWith('.jsonl')) return false;
    if (name.startsWith(this.spillPrefix)) return true;
    return new RegExp(`^${this.options.name}-spill-\\d+-\\d+\\.jsonl$`).test(name);
  }

  /** A spill file's records; a line that is not JSON is set aside (or, with nowhere to set it, left in the file). */
  private async readSpilled(file: string, name: string, journaled: boolean): Promise<T[]> {
    const records: T[] = [];
    const lines = readFileSync(file, 'utf8').split('\n');
    for (const [index, line] of lines.entries()) {
      if (line.trim() === '') continue;
      try {
        const parsed: unknown = JSON.parse(line);
        records.push(journaled && this.options.journal ? this.options.journal.decode(parsed) : (parsed as T));
      } catch (error) {
        if (this.options.setAside === undefined) throw error;
        await this.options.setAside({ record: line, error, recordId: `${name}:${index + 1}` });
        this.stats.setAside++;
      }
    }
    return records;
  }
}
