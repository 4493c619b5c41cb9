// Per-request bookkeeping: the request id and nosniff headers; the usage event of a metered request, recorded (and
// journaled) just before its response's last byte is handed to the socket, or when the client leaves; and once the
// response has closed, off the response path, one log line and the metrics. Requests arriving while the server
// drains are refused with 503 shutting_down; those still open when the shutdown timeout cuts them are recorded 503.
// With tracing on, a metered request's span starts before its handler and ends with it.
import { ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isPromise } from '../../domain/maybe-promise.js';
import { ShuttleError } from '../../errors/shuttle-error.js';
import type { Runtime } from '../../runtime.js';
import { recordLogEntry } from '../request-log-entry.js';

/** Status recorded when the client went away before the response was complete (nginx's convention). */
export const CLIENT_CLOSED = 499;
/** Status recorded for a request the shutdown timeout cut. */
const SHUTTING_DOWN = 503;

export function registerRequestLifecycle(app: FastifyInstance, runtime: Runtime): void {
  app.decorateRequest('principal', null);
  app.decorateRequest('sessionUser', null);
  app.decorateRequest('meter', null);
  app.decorateRequest('startedAt', 0);
  app.decorateRequest('errorCode', null);

  const drain = { draining: false, cut: false, open: 0, allClosed: undefined as (() => void) | undefined };
  app.addHook('preClose', (done) => {
    drain.draining = true;
    done();
  });

  app.addHook('onRequest', (request, reply, done) => {
    request.startedAt = performance.now();
    reply.header('x-request-id', request.id);
    // No answer is ever to be read as another type than it says (a JSON error rendered as HTML, say).
    reply.header('x-content-type-options', 'nosniff');
    const raw = reply.raw;
    drain.open++;
    raw.once('close', () => {
      try {
        finishRequest(runtime, request, reply, drain.cut);
      } finally {
        // Whatever happened above, the request's concurrency slots go back, once.
        request.meter?.releaseSlots();
        if (--drain.open === 0) drain.allClosed?.();
      }
    });
    (raw as ServerResponse & { shuttleRequest: FastifyRequest | null }).shuttleRequest = request;
    if (drain.draining) {
      reply.header('connection', 'close');
      done(new ShuttleError('shutting_down', { headers: { 'retry-after': '1' } }));
      return;
    }
    done();
  });

  // Only when requests are traced: with tracing off, a request pays nothing for it.
  const tracing = runtime.tracing;
  if (tracing !== null) {
    app.addHook('preHandler', (request, _reply, done) => {
      if (request.meter !== null) tracing.requestStarted(request.meter, request.headers);
      done();
    });
  }

  app.decorate('cutOpenRequests', () => {
    drain.cut = true;
  });
  // A response's 'close' may come after the server's: the writer must not close before the last one is recorded.
  app.decorate('requestsClosed', () =>
    drain.open === 0
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          drain.allClosed = resolve;
        }),
  );
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Called as the shutdown timeout cuts the connections still open: their requests are recorded 503 shutting_down. */
    cutOpenRequests(): void;
    /** Resolves once every request has closed (and so has been recorded). */
    requestsClosed(): Promise<void>;
  }
}

/**
 * The class of the server's responses: its end(), which hands the last bytes to the socket (for a stream: its final
 * events and [DONE]), first records a metered request's usage event — appending it to the usage journal — so that a
 * process killed the moment after a client got its whole answer has the event on disk. The usage is complete by then;
 * a client that left earlier is recorded when the connection closes instead.
 *
 * A subclass, given to the HTTP server (Fastify's `http.ServerResponse` option), rather than end() wrapped on each
 * response: a function assigned per response as an own property cost about 100 K instructions per streamed request
 * (measured on the bare proxy: 687 K → 790 K), where this method costs about 3 K (docs/benchmarks.md).
 */
export function recordingResponses(runtime: Runtime): typeof ServerResponse {
  class RecordingResponse extends ServerResponse {
    /** The request this response answers, until its usage is recorded or it ends unmetered. */
    shuttleRequest: FastifyRequest | null = null;

    override end(...args: unknown[]): this {
      const request = this.shuttleRequest;
      if (request !== null) {
        this.shuttleRequest = null;
        const meter = request.meter;
        if (meter !== null && meter.recordedStatus === null && !this.destroyed) {
          // A plain answer's JSON text (or an error's), by reference, for the request log at level full.
          const body = args[0];
          if (
            !meter.streamed &&
            meter.answer === null &&
            typeof body === 'string' &&
            meter.logLevel !== 'metadata' &&
            meter.logLevel !== 'off'
          )
            meter.answer = { kind: 'json', text: body };
          try {
            recordUsage(runtime, request, meter.failedStatus ?? this.statusCode, performance.now());
          } catch (error) {
            // The answer still goes out; the request is recorded when it closes, if it was not.
            request.log.error({ err: error }, 'usage not recorded before the last byte');
          }
        }
      }
      return (super.end as (...endArgs: unknown[]) => this)(...args);
    }
  }
  return RecordingResponse as typeof ServerResponse;
}

function recordUsage(runtime: Runtime, request: FastifyRequest, status: number, endedAt: number): void {
  const { meter, principal } = request;
  if (meter === null || principal === null || meter.recordedStatus !== null) return;
  // A call still open (the client left it) is metered for what it used so far.
  meter.closeOpenCall();
  meter.recordedStatus = status;
  const event = meter.toEvent(
    {
      requestId: request.id,
      tenantId: principal.tenantId,
      keyId: principal.type === 'key' ? principal.keyId : null,
      environment: principal.environment,
    },
    status,
    endedAt,
  );
  runtime.usageWriter.record(event, meter.holdsQueuePlace);
  recordLogEntry(runtime, request, meter, event);
}

function finishRequest(runtime: Runtime, request: FastifyRequest, reply: FastifyReply, cutAtShutdown: boolean): void {
  const endedAt = performance.now();
  const { meter, principal } = request;
  let status = meter?.recordedStatus ?? null;
  if (status === null) {
    // Not recorded before its last byte: the client left, or the shutdown timeout cut it, before the end.
    const completed = reply.raw.writableFinished;
    status = meter?.failedStatus || (completed ? reply.raw.statusCode : cutAtShutdown ? SHUTTING_DOWN : CLIENT_CLOSED);
    if (!completed && meter && meter.errorCode === null) meter.errorCode = cutAtShutdown ? 'shutting_down' : 'client_closed';
    // A call the client left is metered for what it used so far, before its event.
    if (meter && principal) recordUsage(runtime, request, status, endedAt);
  }
  // Then each admission a failure skipped is released.
  meter?.closeOpenCall();
  for (const admission of meter?.admissions ?? []) {
    const settled = admission.settle(0, 0);
    if (isPromise(settled)) settled.catch((error: unknown) => request.log.error({ err: error }, 'limits not settled'));
  }
  if (runtime.tracing !== null && meter !== null && principal !== null) {
    runtime.tracing.requestFinished(meter, request.headers, {
      requestId: request.id,
      tenantId: principal.tenantId,
      keyId: principal.type === 'key' ? principal.keyId : null,
      environment: principal.environment,
      method: request.method,
      route: request.routeOptions.url,
      status,
      errorCode: request.errorCode ?? meter.errorCode,
      endedAt,
    });
  }
  const durationMs = endedAt - request.startedAt;
  runtime.metrics.observeRequest({
    route: request.routeOptions.url ?? 'unmatched',
    status,
    provider: meter?.providerType ?? null,
    durationMs,
    upstreamMs: meter?.upstreamMs ?? null,
    promptTokens: meter?.usage.promptTokens ?? 0,
    completionTokens: meter?.usage.completionTokens ?? 0,
    costMicros: meter?.costMicros ?? 0,
  });
  if (!runtime.logger.isLevelEnabled('info')) return;
  runtime.logger.info(
    {
      reqId: request.id,
      method: request.method,
      url: request.url,
      status,
      ms: Math.round(durationMs * 100) / 100,
      tenantId: principal?.tenantId,
      keyId: principal?.type === 'key' ? principal.keyId : undefined,
      model: meter?.requestedModel ?? undefined,
      provider: meter?.provider ?? undefined,
      errorCode: request.errorCode ?? meter?.errorCode ?? undefined,
    },
    'request',
  );
}
