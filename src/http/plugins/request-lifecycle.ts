// Per-request bookkeeping: the request id and nosniff headers, and — once the response has closed, off the response path —
// one log line, the metrics, and the usage event of a metered request.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isPromise } from '../../domain/maybe-promise.js';
import type { Runtime } from '../../runtime.js';

/** Status recorded when the client went away before the response was complete (nginx's convention). */
export const CLIENT_CLOSED = 499;

export function registerRequestLifecycle(app: FastifyInstance, runtime: Runtime): void {
  app.decorateRequest('principal', null);
  app.decorateRequest('sessionUser', null);
  app.decorateRequest('meter', null);
  app.decorateRequest('startedAt', 0);
  app.decorateRequest('errorCode', null);

  app.addHook('onRequest', (request, reply, done) => {
    request.startedAt = performance.now();
    reply.header('x-request-id', request.id);
    // No answer is ever to be read as another type than it says (a JSON error rendered as HTML, say).
    reply.header('x-content-type-options', 'nosniff');
    reply.raw.once('close', () => finishRequest(runtime, request, reply));
    done();
  });
}

function finishRequest(runtime: Runtime, request: FastifyRequest, reply: FastifyReply): void {
  const endedAt = performance.now();
  const { meter, principal } = request;
  const completed = reply.raw.writableFinished;
  let status = completed ? reply.raw.statusCode : CLIENT_CLOSED;
  if (meter?.failedStatus) status = meter.failedStatus;
  if (!completed && meter && meter.errorCode === null) meter.errorCode = 'client_closed';

  // A call the client left is metered for what it used so far; then each admission a failure skipped is released.
  meter?.closeOpenCall();
  for (const admission of meter?.admissions ?? []) {
    const settled = admission.settle(0, 0);
    if (isPromise(settled)) settled.catch((error: unknown) => request.log.error({ err: error }, 'limits not settled'));
  }
  if (meter && principal) {
    runtime.usageWriter.record(
      meter.toEvent(
        {
          requestId: request.id,
          tenantId: principal.tenantId,
          keyId: principal.type === 'key' ? principal.keyId : null,
          environment: principal.environment,
        },
        status,
        endedAt,
      ),
    );
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
