// Bedrock's errors: an HTTP error names its exception in x-amzn-errortype (`ThrottlingException:http://…`) with
// `{"message"}` as the body; a stream carries exceptions as event-stream messages of type `exception`.
import { UpstreamError } from '../../../errors/shuttle-error.js';
import type { ErrorDetails } from '../../upstream-client.js';
import { headerValue, type UpstreamResponse } from '../../upstream-client.js';
import type { HeaderValue } from './event-stream.js';
import type { ExceptionPayload } from './wire.js';

/** The HTTP status of each exception a ConverseStream can carry, as the API reference lists them. */
const STATUS_OF_EXCEPTION: Record<string, number> = {
  validationException: 400,
  modelTimeoutException: 408,
  modelStreamErrorException: 424,
  throttlingException: 429,
  internalServerException: 500,
  serviceUnavailableException: 503,
};

export function readBedrockError(body: unknown, headers: UpstreamResponse['headers']): ErrorDetails {
  const details: ErrorDetails = {};
  const type =
    headerValue(headers['x-amzn-errortype'])?.split(':')[0] ?? (body as { __type?: string } | undefined)?.__type?.split('#').at(-1);
  if (type) details.code = type;
  const message = (body as ExceptionPayload | undefined)?.Message;
  if (typeof message === 'string') details.message = message;
  return details;
}

/** An `exception` or `error` message of a ConverseStream, as the UpstreamError it stands for. */
export function streamException(provider: string, headers: Record<string, HeaderValue>, payload: Buffer): UpstreamError {
  if (headers[':message-type'] === 'error') {
    return new UpstreamError(provider, 'upstream_error', {
      message: String(headers[':error-message'] ?? 'Bedrock reported an error mid-stream.'),
      status: 500,
      wireCode: String(headers[':error-code'] ?? 'InternalFailure'),
    });
  }
  const exception = String(headers[':exception-type'] ?? 'internalServerException');
  let body: ExceptionPayload = {};
  try {
    body = JSON.parse(payload.toString('utf8')) as ExceptionPayload;
  } catch {
    // The exception type alone still says what happened.
  }
  const code = exception.charAt(0).toUpperCase() + exception.slice(1);
  return new UpstreamError(provider, 'upstream_error', {
    message: body.message ?? body.Message ?? `Bedrock reported ${code} mid-stream.`,
    status: STATUS_OF_EXCEPTION[exception] ?? 500,
    wireCode: code,
    ...(exception === 'throttlingException' ? { type: 'rate_limit_error' } : {}),
  });
}
