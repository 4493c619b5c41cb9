// HTTP to providers over keep-alive undici agents (one pool per origin), with failures mapped to UpstreamError:
// the operator's connections through one agent, tenants' through another whose connections are address-checked.
import { Agent, type buildConnector, type Dispatcher } from 'undici';
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

/** `connectionsPerOrigin` null: no cap, since an HTTP/1.1 stream holds a connection for as long as it lasts. */
export function createUpstreamAgent(connectionsPerOrigin: number | null, connect?: buildConnector.connector): Agent {
  return new Agent({
    connections: connectionsPerOrigin,
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 600_000,
    pipelining: 1,
    ...(connect === undefined ? {} : { connect }),
  });
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
