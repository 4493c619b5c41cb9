// What a failed call to a provider (no connection, a timeout, a reset, our own cancellation) becomes, and whether
// another attempt (a retry, a fallback target) is made after it.
import { errors as undiciErrors } from 'undici';
import { UpstreamError } from '../errors/shuttle-error.js';
import { AddressRefusedError } from '../network/address-policy.js';

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);

/** `midAnswer`: the failure came after the response's headers, so the provider was reached and broke off. */
export function toUpstreamError(provider: string, error: unknown, signal?: AbortSignal, midAnswer = false): Error {
  if (error instanceof UpstreamError) return error;
  if (signal?.aborted) {
    // Aborted by us: the client went away or the caller's deadline passed; keep the reason.
    const reason: unknown = signal.reason;
    if (reason instanceof Error && reason.name === 'TimeoutError') {
      return new UpstreamError(provider, 'upstream_timeout', { message: `${provider} did not answer in time.` });
    }
    return reason instanceof Error ? reason : new Error('aborted');
  }
  if (error instanceof AddressRefusedError) {
    return new UpstreamError(provider, 'upstream_address_refused', {
      message: `Shuttle refused to connect to ${provider}: its host is, or resolves to, an address this deployment does not let tenants reach (loopback, private, link-local, reserved or cloud metadata).`,
      cause: error,
    });
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
  if (midAnswer) {
    return new UpstreamError(provider, 'upstream_interrupted', {
      message: `${provider}'s connection broke off in the middle of its answer (${code ?? detail}).`,
      cause: error,
    });
  }
  return new UpstreamError(provider, 'upstream_unreachable', {
    message: `Could not reach ${provider}: ${code ?? detail}.`,
    cause: error,
  });
}

/**
 * Whether the gateway tries again (the same target after a backoff, or the next one) after `error`, under a rule
 * that retries `statuses`: timeouts, unreachable or refused providers and unreadable answers always; a provider's
 * error answer only if its status is listed. The one place this is decided.
 */
export function isRetryable(error: UpstreamError, statuses: readonly number[]): boolean {
  return error.failure !== 'upstream_error' || statuses.includes(error.status);
}
