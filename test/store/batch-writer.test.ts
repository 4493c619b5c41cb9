import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { type BatchSink, BatchWriter } from '../../src/store/batch-writer.js';
import type { UsageEvent } from '../../src/store/repositories/usage-events.js';
import { usageEvent } from '../helpers/usage-event.js';

const silent = pino({ level: 'silent' });

const event = (i: number): UsageEvent => usageEvent(`req_${i}`, { costMicros: 3 });

/** A sink standing in for a database that can be made unreachable. */
class SwitchableSink implements BatchSink<UsageEvent> {
  readonly stored = new Map<string, UsageEvent>();
  down = false;
  async insertBatch(events: readonly UsageEvent[]): Promise<void> {
    if (this.down) throw new Error('connection refused');
    for (const e of events) this.stored.set(e.id, e);
  }
}

/** A sink whose writes finish only when the test lets them, recording the size of every batch. */
class HeldSink implements BatchSink<UsageEvent> {
  readonly batches: number[] = [];
  private releases: (() => void)[] = [];
  insertBatch(events: readonly UsageEvent[]): Promise<void> {
    this.batches.push(events.length);
    return new Promise((resolve) => this.releases.push(resolve));
  }
  async releaseAll(): Promise<void> {
    while (this.releases.length > 0) {
      for (const release of this.releases.splice(0)) release();
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}

/** A database that refuses any event whose served model holds a NUL byte, as PostgreSQL does (SQLSTATE 22021). */
class PickySink extends SwitchableSink {
  readonly attempts: number[] = [];
  override async insertBatch(events: readonly UsageEvent[]): Promise<void> {
    this.attempts.push(events.length);
    if (!this.down && events.some((e) => e.servedModel?.includes('\u0000'))) {
      throw Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { code: '22021' });
    }
    await super.insertBatch(events);
  }
}

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

const options = (spillDir?: string) => ({
  name: 'usage',
  maxQueue: 10,
  batchSize: 4,
  flushIntervalMs: 10,
  spillDir,
  logger: silent,
  retryInitialMs: 5,
  retryMaxMs: 20,
});

describe('BatchWriter', () => {
  it('keeps events while the database is unreachable and writes them once it is back', async () => {
    const sink = new SwitchableSink();
    const writer = new BatchWriter<UsageEvent>(sink, options());
    sink.down = true;
    for (let i = 0; i < 6; i++) writer.record(event(i));
    await writer.flush();
    expect(writer.depth).toBe(6);
    sink.down = false;
    await writer.close(1000);
    expect(sink.stored.size).toBe(6);
    expect(writer.depth).toBe(0);
  });

  it('keeps batches full under load: what arrives during a write waits for a full batch or the next tick', async () => {
    const sink = new HeldSink();
    const writer = new BatchWriter<UsageEvent>(sink, { ...options(), maxQueue: 100 });
    for (let i = 0; i < 4; i++) writer.record(event(i)); // a full batch goes at once
    for (let i = 4; i < 6; i++) writer.record(event(i)); // arrive while it is written
    await sink.releaseAll();
    expect(sink.batches).toEqual([4]);
    expect(writer.depth).toBe(2);
    for (let i = 6; i < 8; i++) writer.record(event(i)); // the queue is full again
    await sink.releaseAll();
    expect(sink.batches).toEqual([4, 4]);
    expect(writer.depth).toBe(0);
  });

  it('cuts batches to maxBatchWeight, and writes the heavy queue one batch after another without waiting for a tick', async () => {
    const sink = new HeldSink();
    // Each record weighs its cost: 2, and one of 9, past the limit on its own.
    const writer = new BatchWriter<UsageEvent>(sink, { ...options(), maxQueue: 100, maxBatchWeight: 5, weigh: (e) => e.costMicros });
    const weighing = (i: number, cost: number): UsageEvent => usageEvent(`req_${i}`, { costMicros: cost });
    for (let i = 0; i < 4; i++) writer.record(weighing(i, 2)); // four records: a batch goes, cut to two by weight
    for (let i = 4; i < 8; i++) writer.record(weighing(i, 2)); // arrive while it is written
    await sink.releaseAll();
    // Whole batches (by weight) follow at once; the two left weigh less than a batch and wait, as a short batch would.
    expect(sink.batches).toEqual([2, 2, 2]);
    expect(writer.depth).toBe(2);
    writer.record(weighing(8, 9));
    writer.record(weighing(9, 1));
    const flushed = writer.flush();
    await sink.releaseAll();
    await flushed;
    // A record heavier than the limit goes alone rather than never.
    expect(sink.batches).toEqual([2, 2, 2, 2, 1, 1]);
    expect(writer.depth).toBe(0);
  });

  it('flush writes everything queued, even when called during a write', async () => {
    const sink = new HeldSink();
    const writer = new BatchWriter<UsageEvent>(sink, { ...options(), maxQueue: 100 });
    for (let i = 0; i < 7; i++) writer.record(event(i));
    const flushed = writer.flush();
    await sink.releaseAll();
    await flushed;
    expect(sink.batches).toEqual([4, 3]);
    expect(writer.depth).toBe(0);
  });

  it('never queues more than maxQueue: admitted requests hold their places, refusals are counted, not queued', () => {
    const writer = new BatchWriter<UsageEvent>(new SwitchableSink(), options());
    for (let i = 0; i < 10; i++) expect(writer.reserve()).toBe(true);
    expect(writer.reserve()).toBe(false);
    // The refused request's own event (503 usage_queue_full) and other events of requests that held no place.
    for (let i = 0; i < 50; i++) writer.record(event(100 + i));
    for (let i = 0; i < 10; i++) writer.record(event(i), true);
    expect(writer.depth).toBe(10);
    expect(writer.stats).toMatchObject({ rejected: 1, notQueued: 50 });
    expect(writer.reserve()).toBe(false);
  });

  it('spills a record that arrives after it closed, instead of losing it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shuttle-spill-'));
    const sink = new SwitchableSink();
    const writer = new BatchWriter<UsageEvent>(sink, options(dir));
    await writer.close(50);
    writer.record(event(7));
    const replayed = new BatchWriter<UsageEvent>(sink, options(dir));
    expect(await replayed.replaySpilled()).toBe(1);
    expect([...sink.stored.keys()]).toEqual(['req_7']);
  });

  it('spills to disk what it cannot write at shutdown, and replays it at the next start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shuttle-spill-'));
    const sink = new SwitchableSink();
    sink.down = true;
    const first = new BatchWriter<UsageEvent>(sink, options(dir));
    for (let i = 0; i < 5; i++) first.record(event(i));
    await first.close(50);
    expect(readdirSync(dir)).toHaveLength(1);

    sink.down = false;
    const second = new BatchWriter<UsageEvent>(sink, options(dir));
    expect(await second.replaySpilled()).toBe(5);
    expect(sink.stored.size).toBe(5);
    expect(readdirSync(dir)).toHaveLength(0);
  });

  it('spills at shutdown the batch whose write still hangs when time is up, with the records queued behind it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shuttle-spill-'));
    const sink = new HeldSink();
    const writer = new BatchWriter<UsageEvent>(sink, options(dir));
    for (let i = 0; i < 6; i++) writer.record(event(i));
    // The first four went out as a batch whose write never ends; two wait behind it.
    expect(sink.batches).toEqual([4]);
    await writer.close(50);
    const [file] = readdirSync(dir);
    const spilled = readFileSync(join(dir, file as string), 'utf8')
      .trim()
      .split('\n');
    expect(spilled.map((line) => (JSON.parse(line) as UsageEvent).id).sort()).toEqual([0, 1, 2, 3, 4, 5].map((i) => `req_${i}`));
  });

  it('throws, naming the count, when records can be neither written nor spilled at shutdown', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shuttle-spill-'));
    const notADirectory = join(dir, 'file');
    writeFileSync(notADirectory, '');
    const sink = new SwitchableSink();
    sink.down = true;
    const writer = new BatchWriter<UsageEvent>(sink, options(join(notADirectory, 'data')));
    for (let i = 0; i < 3; i++) writer.record(event(i));
    await expect(writer.close(50)).rejects.toMatchObject({ name: 'RecordsLostError', count: 3 });
    await expect(new BatchWriter<UsageEvent>(sink, options(undefined)).close(10)).resolves.toBeUndefined();
    const unset = new BatchWriter<UsageEvent>(sink, options(undefined));
    unset.record(event(9));
    await expect(unset.close(50)).rejects.toMatchObject({ name: 'RecordsLostError', count: 1 });
  });

  it('reports how long records have waited without a batch written, and 0 once it writes again', async () => {
    const sink = new SwitchableSink();
    const writer = new BatchWriter<UsageEvent>(sink, options());
    expect(writer.stalledForMs(Date.now() + 60_000)).toBe(0);
    sink.down = true;
    writer.record(event(1));
    await writer.flush();
    expect(writer.depth).toBe(1);
    expect(writer.stalledForMs(Date.now() + 60_000)).toBeGreaterThanOrEqual(60_000);
    sink.down = false;
    await writer.close(1000);
    expect(writer.stalledForMs(Date.now() + 60_000)).toBe(0);

    // A write that hangs is a stall too.
    const held = new HeldSink();
    const hanging = new BatchWriter<UsageEvent>(held, options());
    for (let i = 0; i < 4; i++) hanging.record(event(i));
    expect(hanging.stalledForMs(Date.now() + 60_000)).toBeGreaterThanOrEqual(60_000);
    await held.releaseAll();
    await hanging.flush();
    expect(hanging.stalledForMs(Date.now() + 60_000)).toBe(0);
  });

  it('sets aside the one record the database refuses and writes the rest of its batch', async () => {
    const sink = new PickySink();
    const refused: unknown[] = [];
    const writer = new BatchWriter<UsageEvent>(sink, {
      ...options(),
      batchSize: 8,
      maxQueue: 100,
      setAside: async ({ record }) => {
        refused.push(record);
      },
    });
    for (let i = 0; i < 8; i++) writer.record({ ...event(i), servedModel: i === 5 ? 'echo\u0000' : 'echo' });
    await writer.flush();
    expect(writer.depth).toBe(0);
    expect([...sink.stored.keys()].sort()).toEqual(['req_0', 'req_1', 'req_2', 'req_3', 'req_4', 'req_6', 'req_7']);
    expect(refused).toEqual([expect.objectContaining({ id: 'req_5' })]);
    expect(writer.stats.setAside).toBe(1);
    // Halved down to the record: 8; 4 (written) and 4; of those, 2 and, once the bad pair is split, 1, 1; then 2.
    expect(sink.attempts).toEqual([8, 4, 4, 2, 1, 1, 2]);
  });

  it('sets a record aside once, even when its batch is retried after the connection drops during the search', async () => {
    const sink = new PickySink();
    const setAside: string[] = [];
    const writer = new BatchWriter<UsageEvent>(sink, {
      ...options(),
      setAside: async ({ record }) => void setAside.push((record as UsageEvent).id),
    });
    const original = sink.insertBatch.bind(sink);
    // The fifth write (the second half, once the bad record was set aside) loses its connection.
    sink.insertBatch = async (events) => {
      if (sink.attempts.length === 4) {
        sink.attempts.push(events.length);
        throw withCode('read ECONNRESET', 'ECONNRESET');
      }
      return original(events);
    };
    for (let i = 0; i < 4; i++) writer.record({ ...event(i), servedModel: i === 0 ? 'echo\u0000' : 'echo' });
    await writer.flush();
    expect(writer.depth).toBe(4);
    await writer.close(1000);
    expect(sink.attempts).toEqual([4, 2, 1, 1, 2, 3]);
    expect(setAside).toEqual(['req_0']);
    expect([...sink.stored.keys()].sort()).toEqual(['req_1', 'req_2', 'req_3']);
  });

  it('sets nothing aside while the database is out of reach: connection errors, terminated backends, busy files', async () => {
    for (const error of [
      withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'),
      withCode('terminating connection due to administrator command', '57P01'),
      withCode('connection failure', '08006'),
      withCode('database is locked', 'SQLITE_BUSY'),
      withCode('disk I/O error', 'SQLITE_IOERR_WRITE'),
      new Error('Connection terminated unexpectedly'),
    ]) {
      const stored: string[] = [];
      let down = true;
      const setAside: string[] = [];
      const writer = new BatchWriter<UsageEvent>(
        {
          insertBatch: async (events) => {
            if (down) throw error;
            stored.push(...events.map((e) => e.id));
          },
        },
        { ...options(), setAside: async ({ record }) => void setAside.push((record as UsageEvent).id) },
      );
      for (let i = 0; i < 3; i++) writer.record(event(i));
      await writer.flush();
      expect([error.message, writer.depth, setAside]).toEqual([error.message, 3, []]);
      down = false;
      await writer.close(1000);
      expect(stored).toEqual(['req_0', 'req_1', 'req_2']);
    }
  });

  it('writes spill files readable by its own user only, whatever the umask', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'shuttle-spill-')), 'data');
    const sink = new SwitchableSink();
    sink.down = true;
    const writer = new BatchWriter<UsageEvent>(sink, options(dir));
    writer.record(event(1));
    const previous = process.umask(0);
    try {
      await writer.close(20);
    } finally {
      process.umask(previous);
    }
    const [file] = readdirSync(dir);
    expect((statSync(dir).mode & 0o777).toString(8)).toBe('700');
    expect((statSync(join(dir, file as string)).mode & 0o777).toString(8)).toBe('600');
  });

  it('starts even when the database is out of reach during the replay: the file is kept and its records are queued', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shuttle-spill-'));
    const spilled = `${JSON.stringify(event(1))}\nnot json\n${JSON.stringify(event(2))}\n`;
    writeFileSync(join(dir, 'usage-spill-1-1.jsonl'), spilled);
    const sink = new SwitchableSink();
    sink.down = true;
    const setAside: unknown[] = [];
    const writer = new BatchWriter<UsageEvent>(sink, { ...options(dir), setAside: async (refused) => void setAside.push(refused) });
    expect(await writer.replaySpilled()).toBe(0);
    expect(readFileSync(join(dir, 'usage-spill-1-1.jsonl'), 'utf8')).toBe(spilled);
    expect(setAside).toEqual([expect.objectContaining({ record: 'not json', recordId: 'usage-spill-1-1.jsonl:2' })]);
    expect(writer.depth).toBe(2);
    sink.down = false;
    await writer.flush();
    expect([...sink.stored.keys()]).toEqual(['req_1', 'req_2']);
  });

  it('does not spill again at shutdown the records of a spill file it had to keep: restarts with the database away never multiply them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shuttle-spill-'));
    const spilled = `${JSON.stringify(event(1))}\n${JSON.stringify(event(2))}\n`;
    writeFileSync(join(dir, 'usage-spill-1-1.jsonl'), spilled);
    const sink = new SwitchableSink();
    sink.down = true;
    for (let start = 0; start < 3; start++) {
      const writer = new BatchWriter<UsageEvent>(sink, options(dir));
      await writer.replaySpilled();
      writer.record(event(10 + start));
      await writer.close(20);
    }
    // The kept file, and one file per shutdown with that run's own record: never the kept records again.
    const lines = readdirSync(dir).flatMap((name) => readFileSync(join(dir, name), 'utf8').trim().split('\n'));
    expect(lines.map((line) => (JSON.parse(line) as UsageEvent).id).sort()).toEqual(['req_1', 'req_10', 'req_11', 'req_12', 'req_2']);
  });

  it('replays only the spill files of its own database (and untagged ones from before spill files named it)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shuttle-spill-'));
    writeFileSync(join(dir, 'usage-spill-aaaaaaaaaaaa-1-1.jsonl'), `${JSON.stringify(event(1))}\n`);
    writeFileSync(join(dir, 'usage-spill-bbbbbbbbbbbb-1-1.jsonl'), `${JSON.stringify(event(2))}\n`);
    writeFileSync(join(dir, 'usage-spill-1-1.jsonl'), `${JSON.stringify(event(3))}\n`);
    const sink = new SwitchableSink();
    const writer = new BatchWriter<UsageEvent>(sink, { ...options(dir), spillTag: 'aaaaaaaaaaaa' });
    expect(await writer.replaySpilled()).toBe(2);
    expect([...sink.stored.keys()].sort()).toEqual(['req_1', 'req_3']);
    expect(readdirSync(dir)).toEqual(['usage-spill-bbbbbbbbbbbb-1-1.jsonl']);

    // Its own spills carry the tag.
    sink.down = true;
    writer.record(event(4));
    await writer.close(20);
    expect(readdirSync(dir).filter((name) => name.startsWith('usage-spill-aaaaaaaaaaaa-'))).toHaveLength(1);
  });
});
