// HTTP to providers over keep-alive undici agents (one pool per origin), with failures mapped to UpstreamError:
// the operator's connections through one agent, tenants' through another whose connections are address-checked.
import { Agent, buildConnector, Client, type Dispatcher, Pool } from 'undici';
import { UpstreamError } from '../errors/shuttle-error.js';
import { RawHeadersDispatch } from './raw-headers-dispatch.js';
import { UpstreamExchange, type UpstreamResponse } from './upstream-exchange.js';
import { toUpstreamError } from './upstream-failure.js';

export type { UpstreamResponse } from './upstream-exchange.js';
export { toUpstreamError } from './upstream-failure.js';

export interface UpstreamRequest {
  provider: string;
  url: string;
  method?: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  signal: AbortSignal;
  timeoutMs: number;
  /** The operator's connection (from the server's environment): sent without the tenants' address checks. */
  trusted?: boolean;
}

/**
 * HTTP/2 to providers (SHUTTLE_UPSTREAM_HTTP2): `off`, HTTP/1.1 only; `tls`, offered to https origins by ALPN (HTTP/1.1
 * where the provider does not take it); `cleartext`, that and HTTP/2 with prior knowledge (h2c) to every http origin.
 */
export type UpstreamHttp2 = 'off' | 'tls' | 'cleartext';

/**
 * Streams one HTTP/2 connection carries at once. undici sends a connection's requests one at a time unless its
 * `pipelining` allows more; 100 is the least a server may advertise (RFC 9113 recommends at least 100), and what undici
 * assumes before the server's settings arrive.
 */
export const HTTP2_STREAMS_PER_CONNECTION = 100;

/**
 * What a provider may send on one HTTP/2 stream before Shuttle reads it: HTTP/2's own default (64 KB), not undici's
 * 256 KB. Over HTTP/1.1 a stream whose client falls behind waits in the kernel's socket buffer; over HTTP/2 it waits
 * in the process, up to this window, so 10,000 slow streams could hold 2.5 GB with undici's. A token stream never
 * needs more than a few KB in flight.
 */
const HTTP2_STREAM_WINDOW_BYTES = 65_535;

/**
 * What a provider may send on a whole connection before Shuttle reads it: room for every stream's window. Data a paused
 * stream holds counts against the connection's window too, so with undici's 512 KB two slow clients' streams could
 * stall the other 98 streams of their connection; with this, a stream never waits for another's reader.
 */
const HTTP2_CONNECTION_WINDOW_BYTES = HTTP2_STREAMS_PER_CONNECTION * HTTP2_STREAM_WINDOW_BYTES;

/** undici's connection options for a mode: what `buildConnector` (ours or the guarded one) is given. */
export function http2ConnectOptions(http2: UpstreamHttp2): { allowH2: boolean; useH2c: boolean } {
  return { allowH2: http2 !== 'off', useH2c: http2 === 'cleartext' };
}

/**
 * `connectionsPerOrigin` null: no cap, since an HTTP/1.1 stream holds a connection for as long as it lasts. `connect`:
 * the tenants' guarded connector, built with the same mode's options (http2ConnectOptions).
 */
export function createUpstreamAgent(
  connectionsPerOrigin: number | null,
  connect?: buildConnector.connector,
  http2: UpstreamHttp2 = 'off',
): Agent {
  const options = {
    connections: connectionsPerOrigin,
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 600_000,
    pipelining: 1,
  };
  if (http2 === 'off') return new Agent({ ...options, ...(connect === undefined ? {} : { connect }) });
  return new MultiplexingAgent({
    ...options,
    allowH2: true,
    initialWindowSize: HTTP2_STREAM_WINDOW_BYTES,
    connectionWindowSize: HTTP2_CONNECTION_WINDOW_BYTES,
    connect: connect ?? buildConnector(http2ConnectOptions(http2)),
    factory: (origin, poolOptions) => {
      const clientOptions = poolOptions as Client.Options & { connect: buildConnector.connector };
      return connectionsPerOrigin === 1
        ? multiplexingClient(origin, clientOptions)
        : new Pool(origin, { ...poolOptions, factory: (url, opts) => multiplexingClient(url, opts as typeof clientOptions) });
    },
  });
}

/**
 * undici sends an HTTP/2 connection's POSTs one at a time unless they are marked idempotent (so that a failure cannot
 * take others with it); a provider's answer is the call's own, so they are. The HTTP/1.1 path keeps undici's Agent as
 * is. (Its HTTP/1.1 connections still carry one request at a time: their `pipelining` is 1.)
 */
class MultiplexingAgent extends Agent {
  override dispatch(options: Agent.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    return super.dispatch({ ...options, idempotent: true }, handler);
  }
}

/**
 * A client that sends one request at a time over HTTP/1.1 (never pipelined: a stream would hold up the requests behind
 * it) and up to HTTP2_STREAMS_PER_CONNECTION at once over HTTP/2, whichever the connection turns out to speak.
 */
function multiplexingClient(origin: string | URL, options: Client.Options & { connect: buildConnector.connector }): Client {
  const connect = options.connect;
  const client: Client = new Client(origin, {
    ...options,
    connect: (connectOptions, callback) =>
      connect(connectOptions, (...result) => {
        // undici's connector marks an h2c socket with alpnProtocol 'h2' as TLS would.
        const socket = result[1] as { alpnProtocol?: string | false } | null | undefined;
        if (socket != null) client.pipelining = socket.alpnProtocol === 'h2' ? HTTP2_STREAMS_PER_CONNECTION : 1;
        callback(...result);
      }),
  });
  return client;
}

interface Destination {
  origin: string;
  path: string;
}

/** Providers' URLs are few (a connection's base URL and an endpoint), so each is split into origin and path once. */
const MAX_DESTINATIONS = 1_000;

/** Adds the trace context of the attempt a call belongs to (W3C traceparent) to its headers. */
export interface UpstreamTracing {
  withTraceContext(signal: AbortSignal, headers: Record<string, string>): Record<string, string>;
}

export class UpstreamClient {
  private readonly destinations = new Map<string, Destination>();

  /**
   * Two agents, so that a tenant's request never rides a connection the operator's opened to a private address;
   * `tracing` only when requests are traced (OpenTelemetry).
   */
  constructor(
    private readonly operatorAgent: Dispatcher,
    private readonly tenantAgent: Dispatcher,
    private readonly tracing: UpstreamTracing | null = null,
  ) {}

  /**
   * Sends the request; resolves once the status and headers arrive. Error statuses are returned, not thrown; failures
   * reject as UpstreamError (the exchange maps those that come later). Not an async function, which would add a
   * promise and a turn of the microtask queue to every call.
   */
  send(req: UpstreamRequest): Promise<UpstreamResponse> {
    let exchange: UpstreamExchange | undefined;
    try {
      if (req.signal.aborted) throw req.signal.reason;
      const { origin, path } = this.destinationOf(req.url);
      exchange = new UpstreamExchange(req.provider, req.signal, req.timeoutMs);
      (req.trusted === true ? this.operatorAgent : this.tenantAgent).dispatch(
        {
          origin,
          path,
          method: req.method ?? 'POST',
          headers: this.tracing === null ? req.headers : this.tracing.withTraceContext(req.signal, req.headers),
          body: req.body ?? null,
          // The exchange times the call itself, exactly; undici's timers are coarse (see UpstreamExchange).
          headersTimeout: 0,
          bodyTimeout: 0,
        },
        new RawHeadersDispatch(exchange),
      );
      return exchange.response;
    } catch (error) {
      // Settles the exchange too, so that its timer is cleared and its own promise never rejects unobserved.
      exchange?.onResponseError(undefined, error as Error);
      exchange?.response.catch(() => undefined);
      return Promise.reject(toUpstreamError(req.provider, error, req.signal));
    }
  }

  private destinationOf(url: string): Destination {
    let destination = this.destinations.get(url);
    if (destination === undefined) {
      const parsed = new URL(url);
      destination = { origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` };
      if (this.destinations.size >= MAX_DESTINATIONS) this.destinations.clear();
      this.destinations.set(url, destination);
    }
    return destination;
  }

  async close(): Promise<void> {
    await Promise.all([this.operatorAgent.close(), this.tenantAgent.close()]);
  }
}

/** What a provider-specific reader finds in an error answer; each field overrides the generic reading. */
export interface ErrorDetails {
  message?: string;
  type?: string;
  code?: string;
  retryAfter?: string;
}

/** Reads a provider's own error shape (Gemini's `status`, Bedrock's `x-amzn-errortype`, …). */
export type ErrorReader = (body: unknown, headers: UpstreamResponse['headers']) => ErrorDetails;

/** Reads an error answer and keeps the provider's own message, type and code (OpenAI's error shape or plain text). */
export async function upstreamErrorFrom(provider: string, response: UpstreamResponse, readError?: ErrorReader): Promise<UpstreamError> {
  let text = '';
  try {
    text = await response.body.text();
  } catch {
    // The status alone still tells the client what happened.
  }
  let message = text.trim().slice(0, 2000) || `HTTP ${response.status}`;
  let type: string | undefined;
  let code: string | undefined;
  let param: string | undefined;
  let innererror: unknown;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Not JSON: keep the text.
  }
  if (typeof parsed === 'object' && parsed !== null) {
    const { error, message: topMessage } = parsed as { error?: unknown; message?: unknown };
    if (typeof error === 'object' && error !== null) {
      const e = error as { message?: unknown; type?: unknown; code?: unknown; param?: unknown; innererror?: unknown };
      if (typeof e.message === 'string') message = e.message;
      if (typeof e.type === 'string') type = e.type;
      if (typeof e.code === 'string') code = e.code;
      if (typeof e.param === 'string') param = e.param;
      // Azure's content filter says which category tripped (and how severely) in innererror.
      if (typeof e.innererror === 'object' && e.innererror !== null) innererror = e.innererror;
    } else if (typeof error === 'string') {
      message = error;
    } else if (typeof topMessage === 'string') {
      message = topMessage;
    }
  }
  const details = readError?.(parsed, response.headers) ?? {};
  const retryAfter = details.retryAfter ?? headerValue(response.headers['retry-after']);
  code = details.code ?? code;
  return new UpstreamError(provider, 'upstream_error', {
    message: details.message ?? message,
    status: response.status,
    type: details.type ?? type ?? (response.status === 429 ? 'rate_limit_error' : 'upstream_error'),
    ...(code === undefined ? {} : { wireCode: code }),
    ...(param === undefined ? {} : { param }),
    ...(innererror === undefined ? {} : { innererror }),
    headers: retryAfter === undefined ? {} : { 'retry-after': retryAfter },
  });
}

export function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
