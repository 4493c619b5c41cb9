// The one adapter over undici's legacy dispatch handler methods (onConnect, onHeaders, onData, onComplete, onError),
// which undici 7 marks deprecated but still calls directly. A handler on its controller API (onRequestStart …) goes
// through undici's UnwrapHandler, which parses every response header into an object before the handler sees the
// status: measured at more than 2% of a proxied request's instructions (docs/benchmarks.md, issue 26), for headers
// that only error answers are read for. This adapter gives a controller-API handler the same calls, with the headers
// parsed when first read. test/gateway/raw-headers-dispatch.test.ts fails when an undici version stops calling it.
import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';
import { util } from 'undici';

export type ControllerHandler = Required<
  Pick<Dispatcher.DispatchHandler, 'onRequestStart' | 'onResponseStart' | 'onResponseData' | 'onResponseEnd' | 'onResponseError'>
>;

const NO_TRAILERS: IncomingHttpHeaders = Object.freeze({});

/** One exchange's legacy handler and the controller it hands to the controller-API handler, in one object. */
export class RawHeadersDispatch implements Dispatcher.DispatchController {
  rawHeaders: Buffer[] | null = null;
  private abortCall: ((reason?: Error) => void) | undefined;
  private resumeReading: (() => void) | undefined;
  private isPaused = false;
  private abortReason: Error | null = null;

  constructor(private readonly handler: ControllerHandler) {}

  get aborted(): boolean {
    return this.abortReason !== null;
  }

  get paused(): boolean {
    return this.isPaused;
  }

  get reason(): Error | null {
    return this.abortReason;
  }

  pause(): void {
    this.isPaused = true;
  }

  resume(): void {
    if (!this.isPaused) return;
    this.isPaused = false;
    this.resumeReading?.();
  }

  abort(reason: Error): void {
    if (this.abortReason !== null) return;
    this.abortReason = reason;
    this.abortCall?.(reason);
  }

  onConnect(abort: (reason?: Error) => void): void {
    this.abortCall = abort;
    this.handler.onRequestStart(this, undefined);
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], resume: () => void, statusMessage: string): boolean {
    this.resumeReading = resume;
    this.rawHeaders = rawHeaders;
    this.handler.onResponseStart(this, statusCode, parsedWhenRead(rawHeaders), statusMessage);
    return !this.isPaused;
  }

  onData(chunk: Buffer): boolean {
    this.handler.onResponseData(this, chunk);
    return !this.isPaused;
  }

  onComplete(rawTrailers: string[] | Buffer[] | null): void {
    const trailers =
      rawTrailers && rawTrailers.length > 0 ? (util.parseHeaders(rawTrailers as Buffer[]) as IncomingHttpHeaders) : NO_TRAILERS;
    this.handler.onResponseEnd(this, trailers);
  }

  onError(error: Error): void {
    this.handler.onResponseError(this, error);
  }
}

/** The headers as undici's parseHeaders gives them, parsed on first access. */
function parsedWhenRead(rawHeaders: Buffer[]): IncomingHttpHeaders {
  let parsed: IncomingHttpHeaders | undefined;
  const headers = (): IncomingHttpHeaders => {
    parsed ??= util.parseHeaders(rawHeaders) as IncomingHttpHeaders;
    return parsed;
  };
  return new Proxy({} as IncomingHttpHeaders, {
    get: (_, name) => Reflect.get(headers(), name),
    has: (_, name) => Reflect.has(headers(), name),
    ownKeys: () => Reflect.ownKeys(headers()),
    getOwnPropertyDescriptor: (_, name) => Reflect.getOwnPropertyDescriptor(headers(), name),
  });
}
