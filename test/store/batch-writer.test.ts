import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { type BatchSink, BatchWriter } from '../../src/store/batch-writer.js';
import type { UsageEvent } from '../../src/store/repositories/usage-events.js';

const silent = pino({ level: 'silent' });

function event(i: number): UsageEvent {
  return {
    id: `req_${i}`,
    tenantId: 'ten_1',
    keyId: null,
    customerId: null,
    environment: null,
    endpoint: 'chat.completions',
    requestedModel: 'mock/echo',
    provider: 'mock',
    servedModel: 'echo',
    promptTokens: 1,
    completionTokens: 1,
    cachedTokens: 0,
    costMicros: 3,
    latencyMs: 1,
    upstreamMs: 1,
    ttftMs: null,
    streamed: false,
    status: 200,
    errorCode: null,
    createdAt: 0,
  };
}

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

  it('reports a full queue instead of dropping: hasRoom turns false at the bound', () => {
    const writer = new BatchWriter<UsageEvent>(new SwitchableSink(), options());
    for (let i = 0; i < 10; i++) {
      expect(writer.hasRoom()).toBe(true);
      writer.record(event(i));
    }
    expect(writer.hasRoom()).toBe(false);
    expect(writer.stats.rejected).toBe(1);
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
});
