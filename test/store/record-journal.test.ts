import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { type BatchSink, BatchWriter } from '../../src/store/batch-writer.js';
import { RecordJournal } from '../../src/store/record-journal.js';
import type { UsageEventValues } from '../../src/store/repositories/usage-event-columns.js';
import { fromValues, toValues, type UsageEvent } from '../../src/store/repositories/usage-events.js';
import { usageEvent } from '../helpers/usage-event.js';

const silent = pino({ level: 'silent' });
const DATABASE = 'postgres://shuttle:secret@db.internal:5432/shuttle';

/** A sink whose writes wait until the test lets them through. */
class GatedSink implements BatchSink<UsageEvent> {
  readonly stored: string[] = [];
  readonly events = new Map<string, UsageEvent>();
  open = false;
  async insertBatch(events: readonly UsageEvent[]): Promise<void> {
    if (!this.open) throw new Error('connection refused');
    this.stored.push(...events.map((e) => e.id));
    for (const e of events) this.events.set(e.id, e);
  }
}

function writer(sink: BatchSink<UsageEvent>, dir: string, database = DATABASE, segmentRecords = 3): BatchWriter<UsageEvent> {
  const journal = new RecordJournal<UsageEvent>({
    dir,
    name: 'usage',
    databaseUrl: database,
    logger: silent,
    segmentRecords,
    encode: toValues,
    decode: (values) => fromValues(values as UsageEventValues),
  });
  return new BatchWriter<UsageEvent>(sink, {
    name: 'usage',
    maxQueue: 100,
    batchSize: 4,
    flushIntervalMs: 10,
    spillDir: dir,
    logger: silent,
    retryInitialMs: 1,
    retryMaxMs: 1,
    journal,
  });
}

const journalFiles = (dir: string) => readdirSync(dir).filter((name) => name.startsWith('usage-journal-'));

describe('the usage journal', () => {
  it('holds each recorded event on disk, owner-only, until its batch is committed', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'shuttle-journal-')), 'data');
    const sink = new GatedSink();
    const usage = writer(sink, dir);
    for (let i = 0; i < 7; i++) usage.record(usageEvent(`req_${i}`));
    const files = journalFiles(dir);
    expect(files).toHaveLength(3); // segments of 3, 3 and 1
    const lines = files.flatMap((name) => readFileSync(join(dir, name), 'utf8').trim().split('\n'));
    expect(lines.map((line) => (JSON.parse(line) as UsageEventValues)[0]).sort()).toEqual([
      'req_0',
      'req_1',
      'req_2',
      'req_3',
      'req_4',
      'req_5',
      'req_6',
    ]);
    for (const name of files) expect((statSync(join(dir, name)).mode & 0o777).toString(8)).toBe('600');

    await usage.flush(); // the database is down: nothing is released
    expect(journalFiles(dir)).toHaveLength(3);
    sink.open = true;
    await new Promise((resolve) => setTimeout(resolve, 5));
    await usage.flush();
    expect(sink.stored).toHaveLength(7);
    expect(journalFiles(dir)).toEqual([]);
    usage.record(usageEvent('req_7'));
    expect(journalFiles(dir)).toHaveLength(1);
    await usage.close(1000);
    expect(journalFiles(dir)).toEqual([]);
  });

  it('a writer that never closed (a killed process) leaves its events, which the next start writes once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shuttle-journal-'));
    const killed = writer(new GatedSink(), dir);
    for (let i = 0; i < 5; i++) killed.record(usageEvent(`req_${i}`));
    // The same files, as a process that was killed leaves them: written by a pid that no longer runs.
    const deadPid = await exitedPid();
    for (const name of journalFiles(dir)) {
      const renamed = name.replace(`-${process.pid}-`, `-${deadPid}-`);
      writeFileSync(join(dir, renamed), readFileSync(join(dir, name)));
    }
    const leftBehind = journalFiles(dir).filter((name) => name.includes(`-${deadPid}-`));

    const sink = new GatedSink();
    sink.open = true;
    const restarted = writer(sink, dir);
    expect(await restarted.replaySpilled()).toBe(5);
    expect(sink.stored.sort()).toEqual(['req_0', 'req_1', 'req_2', 'req_3', 'req_4']);
    expect(sink.events.get('req_3')).toEqual(usageEvent('req_3', { flowId: null, flowVersion: null, billedMicros: 0 }));
    // The files of the dead process are gone; those of a journal still open in this process were left alone.
    for (const name of leftBehind) expect(journalFiles(dir)).not.toContain(name);
    expect(journalFiles(dir).length).toBeGreaterThan(0);
    expect(await writer(sink, dir).replaySpilled()).toBe(0);
  });

  it('with a sync interval, flushes the file being written to disk without getting in the way of its rotation', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shuttle-journal-'));
    const warnings: unknown[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(line) });
    const journal = new RecordJournal<UsageEvent>({
      dir,
      name: 'usage',
      databaseUrl: DATABASE,
      logger,
      segmentRecords: 3,
      syncIntervalMs: 1,
    });
    for (let seq = 1; seq <= 20; seq++) {
      journal.append(usageEvent(`req_${seq}`), seq);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    expect(journalFiles(dir)).toHaveLength(7);
    journal.release(20);
    journal.close();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(journalFiles(dir)).toEqual([]);
    expect([warnings, journal.failures]).toEqual([[], 0]);
  });

  it('is not replayed into another database, nor while the process that writes it still runs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shuttle-journal-'));
    const sink = new GatedSink();
    sink.open = true;
    const own = writer(sink, dir);
    own.record(usageEvent('req_own'));
    const [ownFile] = journalFiles(dir) as [string];
    const line = `${JSON.stringify(usageEvent('req_elsewhere'))}\n`;
    // Another instance sharing the directory (this test's parent process runs), and a dead process of another database.
    writeFileSync(join(dir, ownFile.replace(`-${process.pid}-`, `-${process.ppid}-`)), line);
    const deadPid = await exitedPid();
    writeFileSync(
      join(dir, ownFile.replace(/^usage-journal-[0-9a-f]+-/, 'usage-journal-000000000000-').replace(`-${process.pid}-`, `-${deadPid}-`)),
      line,
    );
    await own.close(1000);
    expect(journalFiles(dir)).toHaveLength(2);
    expect(await writer(sink, dir).replaySpilled()).toBe(0);
    expect(sink.stored).toEqual(['req_own']);
  });
});

/** The pid of a process that has exited. */
async function exitedPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid as number;
}
