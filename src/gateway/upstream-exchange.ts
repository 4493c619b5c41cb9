// One call to a provider over undici's dispatcher API: the status as a promise, the body as a small async-iterable
// queue with backpressure. undici's request() wraps the same exchange in an AsyncResource, a Node Readable stream and
// its async iterator: more work per call than the gateway's own admission and metering (docs/benchmarks.md).
import type { IncomingHttpHeaders } from 'node:http';
import { type Dispatcher, errors as undiciErrors } from 'undici';
import type { ControllerHandler } from './raw-headers-dispatch.js';
import { toUpstreamError } from './upstream-failure.js';

/** Chunks held before the socket is paused; a consumer that falls behind stops the upstream, not memory. */
const HIGH_WATER_CHUNKS = 16;

/**
 * How long the rest of a body that its reader left is waited for before the call is abandoned. A provider's stream
 * often ends in a later read than its last event; abandoning the call then would close the keep-alive connection,
 * and the next call would pay for a new one (a TCP and TLS handshake with a real provider).
 */
const ABANDON_GRACE_MS = 1_000;

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

export type ResponseHeaders = Record<string, string | string[] | undefined>;

export interface UpstreamResponse {
  status: number;
  readonly headers: ResponseHeaders;
  body: UpstreamBody;
}

/** A response body, read once: either whole with `text()` or chunk by chunk with `for await`. */
export class UpstreamBody implements AsyncIterableIterator<Uint8Array> {
  private readonly queue: Buffer[] = [];
  private ended = false;
  private failure: Error | undefined;
  private paused = false;
  private waiting: { resolve: (result: IteratorResult<Uint8Array>) => void; reject: (error: Error) => void } | undefined;

  constructor(private readonly exchange: UpstreamExchange) {}

  [Symbol.asyncIterator](): AsyncIterableIterator<Uint8Array> {
    return this;
  }

  next(): Promise<IteratorResult<Uint8Array>> {
    const chunk = this.queue.shift();
    if (chunk !== undefined) {
      if (this.queue.length === 0) this.unpause();
      return Promise.resolve({ done: false, value: chunk });
    }
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.ended) return Promise.resolve(DONE);
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
    });
  }

  /**
   * The consumer stopped before the end: a reader that found the stream's last event (OpenAI's `[DONE]`) or a parser
   * that failed. What is left of the body is read and dropped for a moment (see ABANDON_GRACE_MS) before the call is
   * abandoned. A client that hangs up is another matter: its signal abandons the call at once.
   */
  return(): Promise<IteratorResult<Uint8Array>> {
    this.queue.length = 0;
    if (!this.ended && this.failure === undefined) {
      this.failure = new Error('the response body was abandoned');
      this.unpause();
      this.exchange.abandon(this.failure);
    }
    return Promise.resolve(DONE);
  }

  text(): Promise<string> {
    // A small answer has usually arrived whole by the time it is read.
    if (this.ended && this.failure === undefined) {
      const text = utf8(this.queue);
      this.queue.length = 0;
      return Promise.resolve(text);
    }
    return this.collect();
  }

  private async collect(): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of this) chunks.push(chunk as Buffer);
    return utf8(chunks);
  }

  /** Lets undici read the socket again if a full queue had stopped it. */
  private unpause(): void {
    if (!this.paused) return;
    this.paused = false;
    this.exchange.resume();
  }

  /** Returns false when the consumer has fallen behind: undici then stops reading the socket until `resume`. */
  push(chunk: Buffer): boolean {
    const waiting = this.waiting;
    if (waiting !== undefined) {
      this.waiting = undefined;
      waiting.resolve({ done: false, value: chunk });
      return true;
    }
    if (this.failure !== undefined) return true;
    this.queue.push(chunk);
    if (this.queue.length < HIGH_WATER_CHUNKS) return true;
    this.paused = true;
    return false;
  }

  end(): void {
    this.ended = true;
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.resolve(DONE);
  }

  fail(error: Error): void {
    if (this.ended || this.failure !== undefined) return;
    this.failure = error;
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.reject(error);
  }
}

/** The chunks as one string, decoded whole, so that a character split between two chunks survives. */
function utf8(chunks: readonly Buffer[]): string {
  return chunks.length === 1 ? (chunks[0] as Buffer).toString('utf8') : Buffer.concat(chunks).toString('utf8');
}

/**
 * The exchanges in flight under each cancellation signal. A client connection's signal outlives many calls, so it gets
 * one 'abort' listener for good rather than one added and removed per call (EventTarget's listener bookkeeping is
 * among the dearer things a call did).
 */
const inFlight = new WeakMap<AbortSignal, Set<UpstreamExchange>>();

function track(signal: AbortSignal, exchange: UpstreamExchange): Set<UpstreamExchange> {
  let exchanges = inFlight.get(signal);
  if (exchanges === undefined) {
    const tracked = new Set<UpstreamExchange>();
    signal.addEventListener(
      'abort',
      () => {
        for (const each of tracked) each.cancel(signal.reason as Error);
        tracked.clear();
      },
      { once: true },
    );
    inFlight.set(signal, tracked);
    exchanges = tracked;
  }
  exchanges.add(exchange);
  return exchanges;
}

/**
 * undici's dispatch handler for one exchange, on its controller API: pause, resume and abort through the controller.
 * UpstreamClient dispatches it through RawHeadersDispatch, which spares it undici's parsing of every response header.
 *
 * The exchange keeps its own timeout, on one Node timer: `timeoutMs` from dispatch to the response's headers, then
 * `timeoutMs` of silence between body chunks (not counted while the reader holds the socket paused). undici's own
 * headersTimeout and bodyTimeout run on its coarse "fast timers", which tick every half second: a 2 s timeout fired
 * at about 2.5 s. A Node timer fires within a few milliseconds of its time.
 */
export class UpstreamExchange implements ControllerHandler {
  readonly response: Promise<UpstreamResponse>;
  private settle!: { resolve: (response: UpstreamResponse) => void; reject: (error: Error) => void };
  private controller: Dispatcher.DispatchController | undefined;
  private body: UpstreamBody | undefined;
  private readonly tracked: Set<UpstreamExchange>;
  private abandoning: NodeJS.Timeout | undefined;
  private readonly timeout: NodeJS.Timeout;
  /** Set once the exchange has ended one way or another: its timer is cleared and must not be re-armed. */
  private done = false;
  private paused = false;
  /** Why the exchange was given up before undici handed over its controller, to abort it with when it does. */
  private failedEarly: Error | undefined;

  constructor(
    private readonly provider: string,
    private readonly signal: AbortSignal,
    timeoutMs: number,
  ) {
    this.response = new Promise((resolve, reject) => {
      this.settle = { resolve, reject };
    });
    this.tracked = track(signal, this);
    this.timeout = setTimeout(() => this.timedOut(), timeoutMs);
    this.timeout.unref();
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.signal.aborted) controller.abort(this.signal.reason as Error);
    else if (this.failedEarly !== undefined) controller.abort(this.failedEarly);
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders): void {
    if (statusCode < 200 || this.done) return;
    this.timeout.refresh();
    this.body = new UpstreamBody(this);
    this.settle.resolve({ status: statusCode, headers, body: this.body });
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.done) return;
    this.timeout.refresh();
    if (!(this.body as UpstreamBody).push(chunk)) {
      this.paused = true;
      controller.pause();
    }
  }

  onResponseEnd(): void {
    if (this.done) return;
    this.finished();
    this.body?.end();
  }

  /** A failure before the answer's status rejects `response`; one while reading the body, the body's reader. */
  onResponseError(_controller: Dispatcher.DispatchController | undefined, error: Error): void {
    if (this.done) return;
    this.finished();
    const failure = toUpstreamError(this.provider, error, this.signal, this.body !== undefined);
    if (this.body === undefined) this.settle.reject(failure);
    else this.body.fail(failure);
  }

  /** The signal fired: the client went away, or the caller's deadline passed. */
  cancel(reason: Error): void {
    this.controller?.abort(reason);
  }

  resume(): void {
    this.paused = false;
    if (!this.done) this.timeout.refresh();
    this.controller?.resume();
  }

  /** Abandons the call unless its body ends within ABANDON_GRACE_MS; the signal can still cut that short. */
  abandon(reason: Error): void {
    this.abandoning = setTimeout(() => this.controller?.abort(reason), ABANDON_GRACE_MS);
    this.abandoning.unref();
  }

  /** No headers, or no chunk, for timeoutMs: the call fails at once, whether or not undici has a connection yet. */
  private timedOut(): void {
    if (this.done || this.paused) return;
    const error = this.body === undefined ? new undiciErrors.HeadersTimeoutError() : new undiciErrors.BodyTimeoutError();
    this.onResponseError(undefined, error);
    if (this.controller === undefined) this.failedEarly = error;
    else this.controller.abort(error);
  }

  private finished(): void {
    this.done = true;
    this.tracked.delete(this);
    clearTimeout(this.timeout);
    if (this.abandoning !== undefined) clearTimeout(this.abandoning);
  }
}
