// The shape an error answer takes on a route: OpenAI's `{"error": {message, type, code, param}}` everywhere, except on
// the routes of Anthropic's API, which answer Anthropic's error object (`{"type": "error", "error": {type, message}}`)
// so that Anthropic's SDKs raise their typed errors. Statuses are the same in both.
import { type ShuttleError, UpstreamError } from '../errors/shuttle-error.js';

/** A route's API dialect (route config `dialect`): the shape of its errors and streams. */
export type ApiDialect = 'openai' | 'anthropic';

/** The error types of Anthropic's API (its errors page). */
const ANTHROPIC_TYPES = new Set([
  'invalid_request_error',
  'authentication_error',
  'billing_error',
  'permission_error',
  'not_found_error',
  'request_too_large',
  'rate_limit_error',
  'api_error',
  'timeout_error',
  'overloaded_error',
]);

export interface AnthropicErrorBody {
  type: 'error';
  error: { type: string; message: string };
  request_id: string;
}

export function errorBody(dialect: ApiDialect | undefined, error: ShuttleError, requestId: string): unknown {
  return dialect === 'anthropic' ? anthropicErrorBody(error, requestId) : error.toBody();
}

export function anthropicErrorBody(error: ShuttleError, requestId: string): AnthropicErrorBody {
  return { type: 'error', error: { type: anthropicErrorType(error), message: error.message }, request_id: requestId };
}

/**
 * The Anthropic type of an error: a provider's own when it is one of Anthropic's (an Anthropic provider's error passed
 * on), else the type Anthropic answers the status with — the catalogue's statuses say what its types do, and the
 * SDKs choose their error class by status.
 */
export function anthropicErrorType(error: ShuttleError): string {
  if (error instanceof UpstreamError && ANTHROPIC_TYPES.has(error.type)) return error.type;
  switch (error.status) {
    case 401:
      return 'authentication_error';
    case 402:
      return 'billing_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    // A suspended tenant (423): Anthropic has no such status; its nearest type is a refusal of permission.
    case 423:
      return 'permission_error';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limit_error';
    case 503:
    case 529:
      return 'overloaded_error';
    case 504:
      return 'timeout_error';
    default:
      return error.status < 500 ? 'invalid_request_error' : 'api_error';
  }
}
