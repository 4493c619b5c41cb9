// Liveness, readiness (the database answers) and Prometheus metrics, outside /api/v1; /metrics behind a bearer token
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

    app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
      try {
        await runtime.pingDatabase();
        return { status: 'ready', database: 'ok', usageQueueDepth: runtime.usageWriter.depth };
      } catch {
        return reply.code(503).send({ status: 'unavailable', database: 'unreachable', usageQueueDepth: runtime.usageWriter.depth });
      }
    });

    const authorizeMetrics = metricsGuard(runtime.config.metricsToken);
    app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
      authorizeMetrics(request);
      reply.type(runtime.metrics.registry.contentType);
      return runtime.metrics.registry.metrics();
    });
  };
}
