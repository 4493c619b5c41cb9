// DELETE /cache: clears the tenant's cached responses (docs/cache.md).
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Runtime } from '../../runtime.js';
import { actorOf, principalOf } from '../request-context.js';

export function cacheRoutes(runtime: Runtime) {
  return async function routes(app: FastifyInstance): Promise<void> {
    app.withTypeProvider<ZodTypeProvider>().delete(
      '/cache',
      {
        schema: {
          summary: 'Clear the tenant’s cached responses (every environment and namespace)',
          tags: ['tenant'],
          response: { 200: z.object({ deleted: z.int().describe('Entries deleted') }) },
        },
        config: { auth: 'user', minRole: 'admin' },
      },
      async (request) => {
        const deleted = await runtime.responseCache.clear(principalOf(request).tenantId, actorOf(request));
        return { deleted };
      },
    );
  };
}
