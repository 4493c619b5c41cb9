// HTTP to providers over a keep-alive undici agent (one pool per origin), with failures mapped to UpstreamError.
import { Agent, type Dispatcher, request, errors as undiciErrors } from 'undici';
import { UpstreamError } from '../errors/shuttle-error.js';

export interface UpstreamRequest {
  provider: string;
  url: string;
  method?: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  signal: AbortSignal;
  timeoutMs: number;
}

export interface UpstreamResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Dispatcher.ResponseData['body'];
}

export function createUpstreamAgent(connectionsPerOrigin: number): Agent {
  return new Agent({
    connections: connectionsPerOrigin,
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 600_000,
    pipelining: 1,
  });
}

export class UpstreamClient {
  constructor(private readonly agent: Dispatcher) {}

  /** Sends the request; resolves once the status and headers arrive. Error statuses are returned, not thrown. */
  async send(req: UpstreamRequest): Promise<UpstreamResponse> {
    try {
      const response = await request(req.url, {
        method: req.method ?? 'POST',
        headers: req.headers,
        body: req.body ?? null,
        dispatcher: this.agent,
        signal: req.signal,
        headersTimeout: req.timeoutMs,
        bodyTimeout: req.timeoutMs,
      });
      return { status: response.statusCode, headers: response.headers, body: response.body };
    } catch (error) {
      throw toUpstreamError(req.provider, error, req.signal);
    }
  }

  async close(): Promise<void> {
    await this.agent.close();
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
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Not JSON: keep the text.
  }
  if (typeof parsed === 'object' && parsed !== null) {
    const { error, message: topMessage } = parsed as { error?: unknown; message?: unknown };
    if (typeof error === 'object' && error !== null) {
      const e = error as { message?: unknown; type?: unknown; code?: unknown };
      if (typeof e.message === 'string') message = e.message;
      if (typeof e.type === 'string') type = e.type;
      if (typeof e.code === 'string') code = e.code;
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
    headers: retryAfter === undefined ? {} : { 'retry-after': retryAfter },
  });
}

export function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);

export function toUpstreamError(provider: string, error: unknown, signal?: AbortSignal): Error {
  if (error instanceof UpstreamError) return error;
  if (signal?.aborted) {
    // Aborted by us: the client went away or the caller's deadline passed; keep the reason.
    const reason: unknown = signal.reason;
    if (reason instanceof Error && reason.name === 'TimeoutError') {
      return new UpstreamError(provider, 'upstream_timeout', { message: `${provider} did not answer in time.` });
    }
    return reason instanceof Error ? reason : new Error('aborted');
  }
  const code = (error as { code?: string } | null)?.code;
  if (
    (code !== undefined && TIMEOUT_CODES.has(code)) ||
    error instanceof undiciErrors.HeadersTimeoutError ||
    error instanceof undiciErrors.BodyTimeoutError
  ) {
    return new UpstreamError(provider, 'upstream_timeout', { message: `${provider} did not answer in time.`, cause: error });
  }
  const detail = error instanceof Error ? error.message : String(error);
  return new UpstreamError(provider, 'upstream_unreachable', {
    message: `Could not reach ${provider}: ${code ?? detail}.`,
    cause: error,
  });
}
