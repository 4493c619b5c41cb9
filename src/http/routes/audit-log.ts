// GET /audit-log: who did what to keys, members, limits and routing, newest first (owners and admins).
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Runtime } from '../../runtime.js';
import { AUDIT_ACTIONS } from '../../store/repositories/audit-log.js';
import { principalOf } from '../request-context.js';
import { isoDateTime, listOf, toIso } from '../schemas/common.js';

const entry = z.object({
  id: z.string(),
  action: z.string(),
  actor: z.object({ type: z.enum(['user', 'key', 'system']), id: z.string().nullable(), label: z.string().nullable() }),
  target: z.object({ type: z.string().nullable(), id: z.string().nullable() }),
  details: z.record(z.string(), z.unknown()),
  ip: z.string().nullable(),
  createdAt: isoDateTime,
});

export function auditLogRoutes(runtime: Runtime) {
  return async function routes(app: FastifyInstance): Promise<void> {
    app.withTypeProvider<ZodTypeProvider>().get(
      '/audit-log',
      {
        schema: {
          summary: 'The tenant’s audit log, newest first',
          tags: ['audit'],
          querystring: z.object({
            limit: z.coerce.number().int().min(1).max(200).default(50),
            cursor: z.string().optional(),
            action: z.string().optional(),
          }),
          response: {
            200: listOf(entry).extend({
              actions: z.array(z.enum(AUDIT_ACTIONS)).describe('Every action Shuttle records, for a filter to offer'),
            }),
          },
        },
        config: { auth: 'user', minRole: 'admin' },
      },
      async (request) => {
        const page = await runtime.auditLog.page(principalOf(request).tenantId, request.query);
        return {
          data: page.data.map((record) => ({ ...record, createdAt: toIso(record.createdAt) })),
          nextCursor: page.nextCursor,
          actions: [...AUDIT_ACTIONS],
        };
      },
    );
  };
}
