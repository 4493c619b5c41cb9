// The load client of `npm run bench -- --streams`: thousands of concurrent streamed chat completions from one process,
// on an undici Pool without a connection cap (one keep-alive connection per open stream, llhttp parsing, no per-chunk
// promise). Each slot sends a stream, reads it to [DONE], and sends the next; concurrency is raised in steps by
// adding slots, their first requests spread over one stream length so that streams are not in lockstep.
import { createHistogram, type RecordableHistogram } from 'node:perf_hooks';
import { Pool } from 'undici';
import { scheduledAtOf, wallClockMs } from './stream-schedule.js';

export interface StreamRequest {
  url: string;
  headers: Record<string, string>;
  /** Rotated stream by stream (end customers); may be empty. */
  headerVariants: Record<string, string>[];
  body: string;
}

/** What one step measured, over its window: chunks by their scheduled time, first bytes by their stream's start. */
export interface StepWindow {
  /** When the step began raising concurrency: streams completed and failed count from here. */
  stepFromMs: number;
  /** The measured part, after one stream length of ramping in: chunks, first bytes and peak open streams. */
  fromMs: number;
  toMs: number;
  chunkDelayUs: RecordableHistogram;
  ttfbUs: RecordableHistogram;
  completed: number;
  errors: number;
  peakOpen: number;
}

export function newWindow(fromMs: number, toMs: number, stepFromMs = fromMs): StepWindow {
  const histogram = () => createHistogram({ lowest: 1, highest: 600_000_000, figures: 3 });
  return { stepFromMs, fromMs, toMs, chunkDelayUs: histogram(), ttfbUs: histogram(), completed: 0, errors: 0, peakOpen: 0 };
}

function windowAt(windows: readonly StepWindow[], atMs: number, wholeStep = false): StepWindow | undefined {
  for (let index = windows.length - 1; index >= 0; index--) {
    const window = windows[index] as StepWindow;
    if (atMs >= (wholeStep ? window.stepFromMs : window.fromMs) && atMs < window.toMs) return window;
  }
  return undefined;
}
const micros = (ms: number): number => Math.max(1, Math.round(ms * 1000));

export class StreamLoad {
  private readonly pool: Pool;
  private readonly path: string;
  private desired = 0;
  private slots = 0;
  private variant = 0;
  private idle: (() => void) | undefined;
  open = 0;
  completed = 0;
  errors = 0;
  /**
   * The steps being measured, newest last: a chunk counts in the window its scheduled time falls in, even when it
   * arrives after that window closed (a late chunk is what is measured); counts outside every window are kept only in
   * the totals.
   */
  windows: StepWindow[] = [];
  /** The first few error messages, for the report. */
  readonly errorSamples: string[] = [];

  constructor(private readonly request: StreamRequest) {
    const url = new URL(request.url);
    this.path = `${url.pathname}${url.search}`;
    this.pool = new Pool(url.origin, {
      connections: null,
      pipelining: 1,
      keepAliveTimeout: 60_000,
      headersTimeout: 30_000,
      bodyTimeout: 30_000,
    });
  }

  /** Grows (new slots start spread over spreadMs) or shrinks (slots above n stop after their current stream). */
  setConcurrency(n: number, spreadMs: number): void {
    const from = this.slots;
    this.desired = n;
    for (let slot = from; slot < n; slot++) {
      const delay = n > from ? ((slot - from) / (n - from)) * spreadMs : 0;
      this.slots++;
      setTimeout(() => this.runSlot(slot), delay);
    }
  }

  /** Stops every slot after its current stream and resolves once none is open. */
  drain(): Promise<void> {
    this.desired = 0;
    if (this.slots === 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.idle = resolve;
    });
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  private async runSlot(slot: number): Promise<void> {
    while (slot < this.desired) await this.oneStream();
    this.slots--;
    if (this.slots === 0) this.idle?.();
  }

  private fail(reason: string, window: StepWindow | undefined): void {
    this.errors++;
    if (window) window.errors++;
    if (this.errorSamples.length < 5) this.errorSamples.push(reason);
  }

  private async oneStream(): Promise<void> {
    const startedMs = wallClockMs();
    const variants = this.request.headerVariants;
    const headers =
      variants.length === 0 ? this.request.headers : { ...this.request.headers, ...variants[this.variant++ % variants.length] };
    this.open++;
    const window = windowAt(this.windows, startedMs);
    if (window && this.open > window.peakOpen) window.peakOpen = this.open;
    const endedIn = (): StepWindow | undefined => windowAt(this.windows, wallClockMs(), true);
    try {
      const response = await this.pool.request({ path: this.path, method: 'POST', headers, body: this.request.body });
      if (response.statusCode !== 200) {
        const text = await response.body.text();
        return this.fail(`HTTP ${response.statusCode}: ${text.slice(0, 200)}`, endedIn());
      }
      const done = await this.readEvents(response.body, startedMs);
      if (!done) return this.fail('stream ended before [DONE]', endedIn());
      this.completed++;
      const ended = endedIn();
      if (ended) ended.completed++;
    } catch (error) {
      this.fail(error instanceof Error ? `${error.name}: ${error.message}` : String(error), endedIn());
    } finally {
      this.open--;
    }
  }

  /** Reads SSE events as they arrive; true when the stream ended with [DONE]. */
  private readEvents(body: NodeJS.ReadableStream, startedMs: number): Promise<boolean> {
    return new Promise((resolve, reject) => {
      let buffer = '';
      let first = true;
      let done = false;
      body.setEncoding('latin1');
      body.on('data', (text: string) => {
        const arrivedMs = wallClockMs();
        if (first) {
          first = false;
          windowAt(this.windows, startedMs)?.ttfbUs.record(micros(arrivedMs - startedMs));
        }
        buffer += text;
        for (let end = buffer.indexOf('\n\n'); end !== -1; end = buffer.indexOf('\n\n')) {
          const event = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const scheduledMs = scheduledAtOf(event);
          if (scheduledMs !== undefined) {
            windowAt(this.windows, scheduledMs)?.chunkDelayUs.record(micros(arrivedMs - scheduledMs));
          } else if (event === 'data: [DONE]') done = true;
        }
      });
      body.once('end', () => resolve(done));
      body.once('error', reject);
    });
  }
}
