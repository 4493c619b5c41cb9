// Every error Shuttle answers becomes an Anthropic error type on the Messages routes, so Anthropic's SDKs raise the
// class that matches its status.
import { describe, expect, it } from 'vitest';
import { type ErrorCode, errorCatalogue } from '../../src/errors/catalogue.js';
import { ShuttleError, UpstreamError } from '../../src/errors/shuttle-error.js';
import { anthropicErrorBody, anthropicErrorType } from '../../src/http/error-dialect.js';

describe('Anthropic error objects', () => {
  it('give every catalogue code a type Anthropic documents for its status', () => {
    const expected: Record<number, string> = {
      400: 'invalid_request_error',
      401: 'authentication_error',
      402: 'billing_error',
      403: 'permission_error',
      404: 'not_found_error',
      405: 'invalid_request_error',
      409: 'invalid_request_error',
      410: 'invalid_request_error',
      413: 'request_too_large',
      415: 'invalid_request_error',
      423: 'permission_error',
      429: 'rate_limit_error',
      500: 'api_error',
      502: 'api_error',
      503: 'overloaded_error',
      504: 'timeout_error',
    };
    for (const code of Object.keys(errorCatalogue) as ErrorCode[]) {
      const error = new ShuttleError(code);
      expect(anthropicErrorType(error), code).toBe(expected[error.status]);
    }
  });

  it('keep a provider’s own Anthropic type, and go by the status for one it does not share', () => {
    const overloaded = new UpstreamError('anthropic', 'upstream_error', { status: 529, type: 'overloaded_error', message: 'Overloaded' });
    expect(anthropicErrorBody(overloaded, 'req_1')).toEqual({
      type: 'error',
      error: { type: 'overloaded_error', message: 'Overloaded' },
      request_id: 'req_1',
    });
    const openAiQuota = new UpstreamError('openai', 'upstream_error', { status: 429, type: 'insufficient_quota', message: 'Quota' });
    expect(anthropicErrorType(openAiQuota)).toBe('rate_limit_error');
    const gemini = new UpstreamError('google', 'upstream_error', { status: 400, type: 'INVALID_ARGUMENT' });
    expect(anthropicErrorType(gemini)).toBe('invalid_request_error');
  });
});
