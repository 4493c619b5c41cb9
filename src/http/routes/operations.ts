// Liveness, readiness (the database answers) and Prometheus metrics, outside /api/v1.
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { Runtime } from '../../runtime.js';

export function operationsRoutes(runtime: Runtime) {
  return async function routes(app: FastifyInstance): Promise<void> {
    app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));

    app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
      try {
        await sql`select 1`.execute(runtime.db);
        return { status: 'ready', database: 'ok', usageQueueDepth: runtime.usageWriter.depth };
      } catch {
        return reply.code(503).send({ status: 'unavailable', database: 'unreachable', usageQueueDepth: runtime.usageWriter.depth });
      }
    });

    app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
      reply.type(runtime.metrics.registry.contentType);
      return runtime.metrics.registry.metrics();
    });
  };
}
