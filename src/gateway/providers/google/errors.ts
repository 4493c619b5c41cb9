// Gemini's errors, `{"error": {"code", "message", "status", "details"}}`: the status becomes the error code, and a
// 429's RetryInfo (Gemini sends no Retry-After header) becomes Retry-After. Stream errors arrive as such a body.
import { UpstreamError } from '../../../errors/shuttle-error.js';
import type { ErrorDetails } from '../../upstream-client.js';
import type { ErrorBody } from './wire.js';

export function readGeminiError(body: unknown): ErrorDetails {
  const error = (body as ErrorBody | undefined)?.error;
  if (typeof error !== 'object' || error === null) return {};
  const details: ErrorDetails = {};
  if (typeof error.status === 'string') details.code = error.status;
  const retryAfter = retryAfterOf(error.details);
  if (retryAfter !== undefined) details.retryAfter = retryAfter;
  return details;
}

/** Whole seconds from a google.rpc.RetryInfo's retryDelay, a protobuf duration such as "34s" or "1.5s". */
function retryAfterOf(details: ReadonlyArray<Record<string, unknown>> | undefined): string | undefined {
  const info = details?.find((detail) => String(detail['@type']).endsWith('google.rpc.RetryInfo'));
  const delay = typeof info?.retryDelay === 'string' ? /^(\d+(?:\.\d+)?)s$/.exec(info.retryDelay) : null;
  return delay ? String(Math.ceil(Number(delay[1]))) : undefined;
}

export function streamError(provider: string, body: ErrorBody): UpstreamError {
  const error = body.error ?? {};
  return new UpstreamError(provider, 'upstream_error', {
    message: error.message ?? 'Gemini reported an error mid-stream.',
    status: typeof error.code === 'number' ? error.code : 500,
    ...(error.status === undefined ? {} : { wireCode: error.status }),
  });
}
