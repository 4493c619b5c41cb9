// The one place errors become HTTP answers, in the OpenAI error shape (Anthropic's on its routes: error-dialect.ts),
// never with a stack trace.
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { errorCatalogue } from '../../errors/catalogue.js';
import { ShuttleError } from '../../errors/shuttle-error.js';
import { isDatabaseUnavailable } from '../../store/unavailable-errors.js';
import { errorBody } from '../error-dialect.js';
import { ClientClosedError } from '../proxy-request.js';
import { plainValidationMessage, type ZodIssueParams } from './plain-validation-message.js';
import { CLIENT_CLOSED } from './request-lifecycle.js';

interface ValidationIssue {
  instancePath: string;
  message?: string;
  keyword?: string;
  params?: { input?: unknown; received?: unknown; expected?: unknown; missingProperty?: string } & ZodIssueParams;
}

const FASTIFY_CODES: Record<string, () => ShuttleError> = {
  FST_ERR_CTP_BODY_TOO_LARGE: () => new ShuttleError('payload_too_large'),
  FST_ERR_CTP_INVALID_JSON_BODY: () => new ShuttleError('invalid_json'),
  FST_ERR_CTP_EMPTY_JSON_BODY: () => new ShuttleError('invalid_json', { message: 'The request body is empty; send a JSON object.' }),
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () => new ShuttleError('unsupported_media_type'),
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () =>
    new ShuttleError('invalid_request', { message: 'The Content-Length header does not match the body.' }),
};

/** About how long PostgreSQL takes to restart or fail over; the pool's connection timeout is 5 s. */
const DATABASE_RETRY_AFTER_SECONDS = '5';

/** What a socket's reader or writer throws once the other end has gone. */
const HANG_UP_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE', 'ERR_STREAM_DESTROYED']);

/**
 * A client that hung up (a closed tab, a load tool closing its sockets) is normal life, not a fault: its request line
 * says 499 client_closed at info, and the error it caused is logged at debug only.
 */
function isClientHangUp(error: FastifyError, request: FastifyRequest): boolean {
  if (error instanceof ClientClosedError) return true;
  return error.code !== undefined && HANG_UP_CODES.has(error.code) && request.raw.socket?.destroyed === true;
}

export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (isClientHangUp(error, request)) {
      request.log.debug({ err: error, reqId: request.id }, 'client closed the connection');
      request.errorCode = 'client_closed';
      // Nobody is left to read an answer; sending one lets Fastify finish the request as usual.
      return reply.code(CLIENT_CLOSED).send();
    }
    const shuttleError = toShuttleError(error);
    if (shuttleError.code === 'database_unavailable') {
      request.log.warn({ err: error, reqId: request.id }, 'database unavailable');
    } else if (shuttleError.status >= 500 && !(error instanceof ShuttleError)) {
      request.log.error({ err: error, reqId: request.id }, 'unhandled error');
    }
    return sendError(request, reply, shuttleError);
  });

  app.setNotFoundHandler((request, reply) =>
    sendError(request, reply, new ShuttleError('not_found', { message: `No route for ${request.method} ${request.url.split('?')[0]}.` })),
  );
}

/**
 * Fastify's own answers to a URL it cannot decode (`/customers/%ED%A0%80`, an encoded lone surrogate) come before any
 * hook or handler: given to Fastify as `frameworkErrors`, so that they too are in the OpenAI shape.
 */
export function sendFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  reply.header('x-content-type-options', 'nosniff');
  const message =
    error.code === 'FST_ERR_BAD_URL' ? 'The URL is not valid: a percent-encoded part of it is not UTF-8 text.' : error.message;
  void sendError(request, reply, new ShuttleError('invalid_request', { message, status: error.statusCode ?? 400 }));
}

/**
 * What Node's HTTP parser refuses before Fastify sees a request — headers too large (431), a request that never
 * finished arriving (408), bytes that are no HTTP (400) — answered on the socket as Fastify would, in the OpenAI shape.
 */
export function sendClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, message] =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'The request did not arrive in time.']
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'The request headers are too large.']
        : [400, 'The request is not valid HTTP.'];
  const body = JSON.stringify(new ShuttleError('invalid_request', { message, status }).toBody());
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json\r\n` +
        `X-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

export function sendError(request: FastifyRequest, reply: FastifyReply, error: ShuttleError): FastifyReply {
  request.errorCode = error.code;
  if (request.meter) request.meter.errorCode = error.code;
  for (const [name, value] of Object.entries(error.headers)) reply.header(name, value);
  const body = errorBody(request.routeOptions.config.dialect, error, request.id);
  return reply.code(error.status).type('application/json').send(JSON.stringify(body));
}

function toShuttleError(error: FastifyError): ShuttleError {
  if (error instanceof ShuttleError) return error;
  if (hasZodFastifySchemaValidationErrors(error)) {
    const issues = (error.validation as unknown as ValidationIssue[]).map((issue) => ({
      ...issue,
      message: plainValidationMessage(issue.keyword, issue.message ?? 'is invalid', issue.params),
    }));
    return validationError(issues, error.validationContext ?? 'body');
  }
  if (error.validation) return validationError(error.validation as unknown as ValidationIssue[], error.validationContext ?? 'body');
  const known = error.code ? FASTIFY_CODES[error.code] : undefined;
  if (known) return known();
  if (error instanceof SyntaxError) return new ShuttleError('invalid_json');
  if (isDatabaseUnavailable(error))
    return new ShuttleError('database_unavailable', { headers: { 'retry-after': DATABASE_RETRY_AFTER_SECONDS } });
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    return new ShuttleError('invalid_request', { message: error.message, status });
  }
  return new ShuttleError('internal_error', { message: errorCatalogue.internal_error.message });
}

function validationError(issues: ValidationIssue[], context: string): ShuttleError {
  const first = issues[0];
  const path = (first?.instancePath ?? '').split('/').filter(Boolean);
  // ajv names a missing property in its params and the object that lacks it in instancePath.
  if (first?.keyword === 'required' && first.params?.missingProperty) path.push(first.params.missingProperty);
  const param = path.join('.');
  const where = context === 'body' ? '' : ` in the ${context === 'querystring' ? 'query string' : context}`;
  const raw = first?.message ?? 'is invalid';
  const missing = /received undefined/.test(raw) || first?.keyword === 'required';
  const message =
    param === ''
      ? `Invalid request${where}: ${raw}.`
      : missing
        ? `Missing required parameter${where}: '${param}'.`
        : `Invalid value for '${param}'${where}: ${raw}.`;
  return new ShuttleError('invalid_request', param === '' ? { message } : { message, param });
}
