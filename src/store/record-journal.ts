// An append-only journal of the records a BatchWriter holds in memory, so that a process killed outright (kill -9, an
// out-of-memory kill) loses none: each record is appended with one write() before its response's last byte is sent,
// and start-up replays what the database never got. A write() reaches the kernel's page cache, which outlives the
// process; only a machine crash can lose what is not yet on disk (docs/reliability.md). Segments are files of up to
// `segmentRecords` records, deleted once the writer has committed every record they hold.
import { createHash } from 'node:crypto';
import { closeSync, fdatasync, openSync, readdirSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { makePrivateDirectory, PRIVATE_FILE_MODE } from './private-files.js';

export interface RecordJournalOptions<T> {
  dir: string;
  /** Names the records in file names and logs, e.g. `usage`. */
  name: string;
  /** The database the records go to: only its own journal files are replayed into it. */
  databaseUrl: string;
  logger: Logger;
  segmentRecords?: number;
  /** Every this many ms, the segment being written is flushed to disk (fdatasync, off the event loop); 0: never. */
  syncIntervalMs?: number;
  /**
   * A record as it is written (a usage event as its column values: half the JSON.stringify of the object, a third of
   * the bytes), and back; by default the record itself.
   */
  encode?: (record: T) => unknown;
  decode?: (written: unknown) => T;
}

interface Segment {
  file: string;
  fd: number;
  records: number;
  /** The writer's sequence number of the last record appended: the segment is done once that one is. */
  lastSeq: number;
  syncing: boolean;
  closeAfterSync: boolean;
}

/** Files of journals open in this process: another runtime of the same process (tests, the CLI) must not replay them. */
const openFiles = new Set<string>();

export class RecordJournal<T> {
  private current: Segment | undefined;
  private readonly sealed: Segment[] = [];
  private readonly prefix: string;
  private readonly startedAt = Date.now();
  private segments = 0;
  private lastFailureReport = 0;
  private timer: NodeJS.Timeout | undefined;
  /** Records the journal could not write (a full or failing disk): they are still queued, but not durable. */
  failures = 0;

  constructor(private readonly options: RecordJournalOptions<T>) {
    this.prefix = `${options.name}-journal-${databaseTag(options.databaseUrl)}-`;
    makePrivateDirectory(options.dir);
    const syncMs = options.syncIntervalMs ?? 0;
    if (syncMs > 0) {
      this.timer = setInterval(() => this.sync(), syncMs);
      this.timer.unref();
    }
  }

  /** Appends one record: a single synchronous write() of its JSON line. */
  append(record: T, seq: number): void {
    try {
      const segment = this.current ?? this.open();
      const encode = this.options.encode;
      writeSync(segment.fd, `${JSON.stringify(encode ? encode(record) : record)}\n`);
      segment.records++;
      segment.lastSeq = seq;
      if (segment.records >= (this.options.segmentRecords ?? 2_000)) this.seal(segment);
    } catch (error) {
      this.failures++;
      const now = Date.now();
      if (now - this.lastFailureReport > 10_000) {
        this.lastFailureReport = now;
        this.options.logger.error(
          { err: error, failures: this.failures },
          `${this.options.name} journal not written: records are queued but would be lost if the process were killed`,
        );
      }
    }
  }

  /** The writer has committed (or set aside) every record up to `finished`: segments that hold only those go. */
  release(finished: number): void {
    while (this.sealed.length > 0 && (this.sealed[0] as Segment).lastSeq <= finished) this.remove(this.sealed.shift() as Segment);
    const current = this.current;
    if (current !== undefined && current.lastSeq <= finished) {
      this.current = undefined;
      this.remove(current);
    }
  }

  /** A record read back from a journal file. */
  decode(written: unknown): T {
    return this.options.decode ? this.options.decode(written) : (written as T);
  }

  /** Files left by earlier runs against this database (killed, or crashed), for the writer to replay. */
  leftovers(): string[] {
    let names: string[];
    try {
      names = readdirSync(this.options.dir);
    } catch {
      return [];
    }
    return names
      .filter((name) => name.startsWith(this.prefix) && name.endsWith('.jsonl') && !ownedByLiveProcess(name.slice(this.prefix.length)))
      .map((name) => join(this.options.dir, name))
      .filter((file) => !openFiles.has(file));
  }

  /** Closes the journal; its files are removed only by release(), so that what was not committed stays. */
  close(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.current) this.seal(this.current);
    for (const segment of this.sealed) {
      openFiles.delete(segment.file);
    }
    this.current = undefined;
    this.sealed.length = 0;
  }

  private open(): Segment {
    const file = join(this.options.dir, `${this.prefix}${process.pid}-${this.startedAt}-${++this.segments}.jsonl`);
    // Owner-only from creation: the name is new, so the mode given here is the file's (narrowed by the umask only).
    const fd = openSync(file, 'wx', PRIVATE_FILE_MODE);
    openFiles.add(file);
    this.current = { file, fd, records: 0, lastSeq: 0, syncing: false, closeAfterSync: false };
    return this.current;
  }

  private seal(segment: Segment): void {
    if (this.current === segment) this.current = undefined;
    this.closeFd(segment);
    this.sealed.push(segment);
  }

  private remove(segment: Segment): void {
    this.closeFd(segment);
    rmSync(segment.file, { force: true });
    openFiles.delete(segment.file);
  }

  /** A descriptor that an fdatasync is using is closed once it is done: closing it now could sync another file. */
  private closeFd(segment: Segment): void {
    if (segment.fd < 0) return;
    if (segment.syncing) {
      segment.closeAfterSync = true;
      return;
    }
    closeSync(segment.fd);
    segment.fd = -1;
  }

  private sync(): void {
    const segment = this.current;
    if (segment === undefined || segment.syncing || segment.fd < 0) return;
    segment.syncing = true;
    fdatasync(segment.fd, (error) => {
      segment.syncing = false;
      if (error) this.options.logger.warn({ err: error }, `${this.options.name} journal not synced to disk`);
      if (segment.closeAfterSync) {
        segment.closeAfterSync = false;
        this.closeFd(segment);
      }
    });
  }
}

/** A short tag of the database a journal (or a spill file) belongs to: its URL without credentials. */
export function databaseTag(databaseUrl: string): string {
  let identity = databaseUrl;
  try {
    const url = new URL(databaseUrl);
    url.username = '';
    url.password = '';
    identity = url.href;
  } catch {
    // not a URL (sqlite::memory:): taken as it is
  }
  return createHash('sha256').update(identity).digest('hex').slice(0, 12);
}

/**
 * Whether the process that wrote a journal file still runs (another instance sharing the data directory): its file is
 * then its own, and replayed by a later start once that process is gone. A file of this process's own pid that no
 * journal here holds open is from an earlier run that had the same pid (a container's pid 1).
 */
function ownedByLiveProcess(nameAfterPrefix: string): boolean {
  const pid = Number(nameAfterPrefix.split('-')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
