// GET /api/v1/requests and /requests/{id}: the request log of the tenant, for its members and its API keys.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Runtime } from '../../runtime.js';
import { principalOf } from '../request-context.js';
import { requestEntry, requestIdParams, requestLogPage, requestLogQuery } from '../schemas/requests.js';
import { reportRange } from '../usage-report.js';

export function requestsRoutes(runtime: Runtime) {
  return async function routes(app: FastifyInstance): Promise<void> {
    const api = app.withTypeProvider<ZodTypeProvider>();
    api.get(
      '/requests',
      {
        schema: {
          summary: 'The request log: requests newest first, filtered by time, customer, key, model, provider, status, words',
          tags: ['requests'],
          querystring: requestLogQuery,
          response: { 200: requestLogPage },
        },
      },
      async (request) => {
        const { customer, key, model, provider, status, environment, endpoint, q, limit, cursor } = request.query;
        const filter = { ...reportRange(request.query), customer, keyId: key, model, provider, status, environment, endpoint, q };
        return runtime.requestLog.list(principalOf(request).tenantId, filter, limit, cursor);
      },
    );

    api.get(
      '/requests/:id',
      {
        schema: {
          summary: 'One request of the log: metadata, attempts, and at level full the request and the answer',
          tags: ['requests'],
          params: requestIdParams,
          response: { 200: requestEntry },
        },
      },
      async (request) => runtime.requestLog.get(principalOf(request).tenantId, request.params.id),
    );
  };
}
