import { Client } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatRequestBody } from '../../bench/chat-request.js';
import { type RunningServer, startFakeUpstream } from '../../bench/fake-upstream.js';
import { newWindow, StreamLoad } from '../../bench/stream-load.js';
import { parseStreamOptions } from '../../bench/stream-options.js';
import {
  added,
  cpuMsPerStreamSecond,
  directStep,
  memoryVerdict,
  meteringVerdict,
  perStreamHoldings,
  rssPerStreamKb,
  type StepResult,
  type StreamTargetResult,
  stepRow,
} from '../../bench/stream-report.js';
import { scheduledAtOf, scheduledChunkId, sendTimes } from '../../bench/stream-schedule.js';
import { openFilesNeeded } from '../../bench/streams-run.js';

// The tooling of `npm run bench -- --streams` (issue 29): what it emits, counts and computes, never how fast.

const CHUNKS = 5;
const INTERVAL_MS = 10;

function eventsOf(text: string): string[] {
  return text.split('\n\n').filter(Boolean);
}

describe('the fake upstream streaming on a schedule', () => {
  let upstream: RunningServer;
  const url = () => `http://127.0.0.1:${upstream.port}/v1/chat/completions`;
  const post = (body: string) => fetch(url(), { method: 'POST', headers: { 'content-type': 'application/json' }, body });

  beforeAll(async () => {
    upstream = await startFakeUpstream({ streamChunks: CHUNKS, chunkIntervalMs: INTERVAL_MS });
  });
  afterAll(async () => {
    await upstream?.close();
  });

  it('sends the content chunks one interval apart, then finish, usage and [DONE], each stamped with its scheduled time', async () => {
    const events = eventsOf(await (await post(chatRequestBody('stream'))).text());
    expect(events).toHaveLength(CHUNKS + 3);
    expect(events.at(-1)).toBe('data: [DONE]');
    const chunks = events.slice(0, -1).map((event) => JSON.parse(event.slice('data: '.length)));
    expect(chunks[0].choices[0].delta.role).toBe('assistant');
    for (const chunk of chunks.slice(0, CHUNKS)) expect(chunk.choices[0].finish_reason).toBeNull();
    expect(chunks[CHUNKS].choices[0].finish_reason).toBe('stop');
    expect(chunks[CHUNKS + 1]).toMatchObject({ choices: [], usage: { completion_tokens: CHUNKS } });

    const scheduled = events.slice(0, -1).map((event) => scheduledAtOf(event) as number);
    const start = scheduled[0] as number;
    // The schedule itself (not when the chunks arrived): k intervals after the first, the closing sends together.
    const expected = sendTimes(start, CHUNKS, INTERVAL_MS);
    expect(scheduled.slice(0, CHUNKS + 1).map((at, k) => at - (expected[k] as number))).toEqual(
      Array.from({ length: CHUNKS + 1 }, () => expect.closeTo(0, 2)),
    );
    expect(scheduled[CHUNKS + 1]).toBe(scheduled[CHUNKS]);
  });

  it('leaves out the usage chunk when the client did not ask for it', async () => {
    const body = JSON.stringify({ ...JSON.parse(chatRequestBody('stream')), stream_options: undefined });
    const events = eventsOf(await (await post(body)).text());
    expect(events).toHaveLength(CHUNKS + 2);
    expect(events.join('\n')).not.toContain('"usage":{');
  });

  it('the stream load client completes its streams and records every scheduled chunk and first byte', async () => {
    const load = new StreamLoad({
      url: url(),
      headers: { 'content-type': 'application/json' },
      headerVariants: [],
      body: chatRequestBody('stream'),
    });
    const window = newWindow(0, Number.POSITIVE_INFINITY, 0);
    load.windows.push(window);
    load.setConcurrency(3, 0);
    while (load.completed < 6) await new Promise((resolve) => setTimeout(resolve, 20));
    await load.drain();
    await load.close();
    expect(load.errors).toBe(0);
    expect(load.open).toBe(0);
    expect(window.completed).toBe(load.completed);
    // Content chunks, the finish chunk and the usage chunk carry a schedule; [DONE] does not.
    expect(window.chunkDelayUs.count).toBe(load.completed * (CHUNKS + 2));
    expect(window.ttfbUs.count).toBe(load.completed);
    expect(window.peakOpen).toBe(3);
  });
});

describe('the schedule carried in chunk ids', () => {
  it('reads back the time it was given, to the microsecond', () => {
    const at = 1_796_548_492_064.123;
    expect(scheduledAtOf(`data: {"id":"${scheduledChunkId(at)}","object":"chat.completion.chunk"}`)).toBe(at);
    expect(scheduledAtOf('data: [DONE]')).toBeUndefined();
    expect(scheduledAtOf('data: {"id":"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT"}')).toBeUndefined();
  });
});

function step(overrides: Partial<StepResult>): StepResult {
  return {
    ramp: 1,
    streams: 1000,
    held: 1000,
    completed: 2000,
    errors: 0,
    chunk: { p50Ms: 2, p99Ms: 10, maxMs: 30 },
    ttfb: { p50Ms: 1, p99Ms: 4, maxMs: 9 },
    loopP99Ms: 12,
    loopMaxMs: 40,
    gc: null,
    heapUsedKb: null,
    resources: null,
    rssKb: 200 * 1024,
    cpuMs: 500,
    streamSeconds: 4000,
    ...overrides,
  };
}

function target(overrides: Partial<StreamTargetResult>): StreamTargetResult {
  return {
    name: 'shuttle-sqlite',
    label: 'Shuttle (SQLite)',
    steps: [],
    idleRssKb: 100 * 1024,
    idleHeapUsedKb: null,
    idleResources: null,
    afterRampRssKb: [],
    completed: 0,
    errors: 0,
    errorSamples: [],
    usageEvents: null,
    error: null,
    ...overrides,
  };
}

describe('the streams report arithmetic', () => {
  it('subtracts the direct upstream of the same ramp and step, else of the same step in any ramp', () => {
    const direct = target({
      name: 'upstream',
      label: 'upstream (direct)',
      steps: [step({ ramp: 1, chunk: { p50Ms: 1, p99Ms: 3, maxMs: 5 } }), step({ ramp: 2, chunk: { p50Ms: 1.5, p99Ms: 6, maxMs: 8 } })],
    });
    expect(directStep(direct, step({ ramp: 2 }))?.chunk?.p99Ms).toBe(6);
    expect(directStep(direct, step({ ramp: 3 }))?.chunk?.p99Ms).toBe(3);
    expect(directStep(direct, step({ streams: 2500 }))).toBeUndefined();
    expect(added(10, 3)).toBe(7);
    expect(added(10, undefined)).toBeNull();

    const shuttle = target({ steps: [step({ ramp: 2 })] });
    const row = stepRow(shuttle, shuttle.steps[0] as StepResult, direct);
    // chunk +p50 +p99 +max, TTFB +p50 +p99
    expect(row.slice(5, 10)).toEqual(['+0.5', '+4.0', '+22.0', '+0.0', '+0.0']);
    const own = stepRow(direct, direct.steps[0] as StepResult, direct);
    expect(own.slice(5, 8)).toEqual(['1.0', '3.0', '5.0']);
  });

  it('memory per stream is what the streams added over idle, CPU is per open stream-second', () => {
    expect(rssPerStreamKb(step({ rssKb: 200 * 1024, held: 1024 }), 100 * 1024)).toBe(100);
    expect(rssPerStreamKb(step({ held: 0 }), 100 * 1024)).toBeNull();
    expect(rssPerStreamKb(step({}), null)).toBeNull();
    expect(cpuMsPerStreamSecond(step({ cpuMs: 500, streamSeconds: 4000 }))).toBe(0.125);
    expect(cpuMsPerStreamSecond(step({ cpuMs: null }))).toBeNull();
    expect(cpuMsPerStreamSecond(step({ streamSeconds: 0 }))).toBeNull();
  });

  it('what one open stream holds: heap and active resources over idle, at the step with the most streams held', () => {
    const result = target({
      idleHeapUsedKb: 20_000,
      idleResources: { TCPServerWrap: 1, Timeout: 3 },
      steps: [
        step({ held: 500, heapUsedKb: 30_000, resources: { TCPServerWrap: 1, TCPSocketWrap: 1000, Timeout: 503 } }),
        step({ held: 1000, heapUsedKb: 40_000, resources: { TCPServerWrap: 1, TCPSocketWrap: 2000, Timeout: 1003 } }),
      ],
    });
    expect(perStreamHoldings(result)).toEqual({ heapKb: 20, resources: { TCPSocketWrap: 2, Timeout: 1 } });
    expect(perStreamHoldings(target({ steps: [step({})] }))).toBeNull();
  });

  it('every completed stream is metered: usage events between the completed and the attempted', () => {
    expect(meteringVerdict(target({ usageEvents: 980, completed: 980 })).ok).toBe(true);
    expect(meteringVerdict(target({ usageEvents: 979, completed: 980 })).ok).toBe(false);
    expect(meteringVerdict(target({ usageEvents: 985, completed: 980, errors: 5 })).ok).toBe(true);
    expect(meteringVerdict(target({ usageEvents: 986, completed: 980, errors: 5 })).ok).toBe(false);
    expect(meteringVerdict(target({ usageEvents: null })).ok).toBeNull();
  });

  it('memory comes back when it settles at the same level after each ramp', () => {
    const idle = 100 * 1024;
    expect(memoryVerdict(idle, [150 * 1024, 152 * 1024, 151 * 1024]).ok).toBe(true);
    // The first ramps grow the heap to its working size; the last must not grow it again.
    expect(memoryVerdict(idle, [150 * 1024, 180 * 1024, 185 * 1024]).ok).toBe(true);
    const leak = memoryVerdict(idle, [150 * 1024, 180 * 1024, 210 * 1024]);
    expect(leak.ok).toBe(false);
    expect(leak.text).toContain('grew 30.0 MB in the last ramp');
    expect(memoryVerdict(idle, [150 * 1024]).ok).toBeNull();
    expect(memoryVerdict(null, [150 * 1024, 150 * 1024]).ok).toBeNull();
  });
});

describe('npm run bench -- --streams options', () => {
  it('quick runs two small steps of short streams, once', () => {
    const options = parseStreamOptions(['--streams', '--quick']);
    expect(options).toMatchObject({ mode: 'quick', steps: [200, 500], ramps: 1, streamChunks: 20, chunkIntervalMs: 50, holdS: 2 });
  });

  it('the full run ramps to ten thousand streams three times, each step held three stream lengths', () => {
    const options = parseStreamOptions(['--streams']);
    expect(options).toMatchObject({ mode: 'full', steps: [1000, 2500, 5000, 10_000], ramps: 3, streamChunks: 40, holdS: 6 });
    expect(options === 'help' ? [] : options.targets).toEqual(['upstream', 'bare', 'portkey', 'shuttle-sqlite', 'shuttle-postgres']);
  });

  it('refuses a hold no longer than one stream, and unknown targets', () => {
    expect(() => parseStreamOptions(['--streams', '--hold', '2'])).toThrow(/longer than one stream/);
    expect(() => parseStreamOptions(['--streams', '--only', 'nginx'])).toThrow(/unknown target/);
    expect(parseStreamOptions(['--streams', '--only', 'bare', '--steps', '100,300'])).toMatchObject({
      targets: ['upstream', 'bare'],
      steps: [100, 300],
    });
  });
});

describe('open files for a step', () => {
  it('a gateway holds two sockets a stream, plus its own', () => {
    expect(openFilesNeeded(10_000)).toBe(20_512);
  });

  it('over HTTP/2 to its upstream, one socket a stream and one per 100 upstream streams', () => {
    expect(openFilesNeeded(10_000, true)).toBe(10_612);
  });
});

describe('the fake upstream over h2c (--upstream-http2)', () => {
  it('streams a scheduled answer to an HTTP/2 client, many streams on one connection', async () => {
    const upstream = await startFakeUpstream({ streamChunks: 3, chunkIntervalMs: 5, h2c: true });
    const client = new Client(`http://127.0.0.1:${upstream.port}`, { allowH2: true, useH2c: true, pipelining: 10 } as Client.Options);
    try {
      const answers = await Promise.all(
        Array.from({ length: 5 }, async () => {
          const response = await client.request({
            path: '/v1/chat/completions',
            method: 'POST',
            idempotent: true,
            headers: { 'content-type': 'application/json' },
            body: chatRequestBody('stream'),
          });
          return { status: response.statusCode, text: await response.body.text() };
        }),
      );
      for (const answer of answers) {
        expect(answer.status).toBe(200);
        expect(answer.text.match(/chatcmpl-at-/g)).toHaveLength(5);
        expect(answer.text.trimEnd().endsWith('data: [DONE]')).toBe(true);
      }
    } finally {
      await client.close();
      await upstream.close();
    }
  });

  it('is asked for with --upstream-http2', () => {
    expect(parseStreamOptions(['--streams', '--upstream-http2'])).toMatchObject({ upstreamHttp2: true });
    expect(parseStreamOptions(['--streams'])).toMatchObject({ upstreamHttp2: false });
  });
});
