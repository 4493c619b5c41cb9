// Liveness, readiness (the database answers, metering is not stalled) and Prometheus metrics, outside /api/v1; /metrics behind a bearer token
// when SHUTTLE_METRICS_TOKEN is set.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AuthenticationError } from '../../errors/shuttle-error.js';
import type { Runtime } from '../../runtime.js';

/** Compares digests, so the time taken says nothing of the token, its length included. */
function metricsGuard(token: string | undefined) {
  if (token === undefined) return () => undefined;
  const expected = createHash('sha256').update(`Bearer ${token}`).digest();
  return (request: FastifyRequest): void => {
    const given = createHash('sha256')
      .update(request.headers.authorization ?? '')
      .digest();
    if (!timingSafeEqual(given, expected)) {
      throw new AuthenticationError('invalid_token', {
        message: 'GET /metrics needs "Authorization: Bearer <SHUTTLE_METRICS_TOKEN>".',
        headers: { 'www-authenticate': 'Bearer realm="metrics"' },
      });
    }
  };
}

export function operationsRoutes(runtime: Runtime) {
  return async function routes(app: FastifyInstance): Promise<void> {
    app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));

    // Not ready while the database does not answer, or while metering is stalled: records have waited longer than
    // SHUTTLE_USAGE_STALL_MS without a batch written (a writer thread that cannot start, writes that fail or hang).
    // Redis is reported but does not decide: without it requests are still served (docs/reliability.md).
    app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
      const database = await runtime.pingDatabase().then(
        () => 'ok' as const,
        () => 'unreachable' as const,
      );
      const stalledForMs = Math.max(
        runtime.usageWriter.stalledForMs(),
        runtime.flowRunWriter.stalledForMs(),
        runtime.requestLogWriter.stalledForMs(),
      );
      const metering = stalledForMs > runtime.config.usage.stallMs ? ('stalled' as const) : ('ok' as const);
      const ready = database === 'ok' && metering === 'ok';
      return reply.code(ready ? 200 : 503).send({
        status: ready ? 'ready' : 'unavailable',
        database,
        metering,
        redis: runtime.redisState(),
        usageQueueDepth: runtime.usageWriter.depth,
        ...(metering === 'stalled' ? { meteringStalledForMs: stalledForMs } : {}),
      });
    });

    const authorizeMetrics = metricsGuard(runtime.config.metricsToken);
    app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
      authorizeMetrics(request);
      reply.type(runtime.metrics.registry.contentType);
      return runtime.metrics.registry.metrics();
    });
  };
}
