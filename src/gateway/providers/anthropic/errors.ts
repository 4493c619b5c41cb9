// Anthropic's errors: an HTTP error answer (`{"type": "error", "error": {"type", "message"}}`) keeps its error type as
// the type and the code; an `error` event in the middle of a stream becomes the UpstreamError that answer would have been.
import { UpstreamError } from '../../../errors/shuttle-error.js';
import type { ErrorReader } from '../../upstream-client.js';
import type { ErrorObject } from './wire.js';

/** The HTTP status Anthropic documents for each error type. */
const STATUS_OF_TYPE: Record<string, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

export function streamError(provider: string, error: ErrorObject | undefined): UpstreamError {
  const type = error?.type ?? 'api_error';
  return new UpstreamError(provider, 'upstream_error', {
    message: error?.message ?? 'Anthropic reported an error mid-stream.',
    status: STATUS_OF_TYPE[type] ?? 500,
    type,
    wireCode: type,
  });
}

/** Anthropic has no error code: its error type (`rate_limit_error`, `overloaded_error`, …) is the code clients branch on. */
export const readAnthropicError: ErrorReader = (body) => {
  const type = (body as { error?: { type?: unknown } } | undefined)?.error?.type;
  return typeof type === 'string' ? { type, code: type } : {};
};
