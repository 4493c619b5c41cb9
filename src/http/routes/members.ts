// People in the tenant: owners and admins see them; owners change roles and remove (and invite: routes/invitations.ts).
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Runtime } from '../../runtime.js';
import type { Member } from '../../store/repositories/memberships.js';
import { actorOf, principalOf } from '../request-context.js';
import { isoDateTime, listOf, role, toIso } from '../schemas/common.js';

const memberView = z.object({ userId: z.string(), email: z.string(), name: z.string().nullable(), role, createdAt: isoDateTime });
const userParams = z.object({ userId: z.string().min(1).max(64) });
const toMemberView = (m: Member) => ({ userId: m.userId, email: m.email, name: m.name, role: m.role, createdAt: toIso(m.createdAt) });

export function membersRoutes(runtime: Runtime) {
  return async function routes(app: FastifyInstance): Promise<void> {
    const api = app.withTypeProvider<ZodTypeProvider>();
    const owner = { auth: 'user', minRole: 'owner' } as const;

    api.get(
      '/members',
      {
        schema: { summary: 'List the tenant’s members', tags: ['members'], response: { 200: listOf(memberView) } },
        config: { auth: 'user', minRole: 'admin' },
      },
      async (request) => ({ data: (await runtime.memberManager.list(principalOf(request).tenantId)).map(toMemberView), nextCursor: null }),
    );

    api.patch(
      '/members/:userId',
      {
        schema: {
          summary: 'Change a member’s role',
          tags: ['members'],
          params: userParams,
          body: z.object({ role }),
          response: { 200: memberView },
        },
        config: owner,
      },
      async (request) =>
        toMemberView(
          await runtime.memberManager.changeRole(principalOf(request).tenantId, actorOf(request), request.params.userId, request.body.role),
        ),
    );

    api.delete(
      '/members/:userId',
      { schema: { summary: 'Remove a member from the tenant', tags: ['members'], params: userParams }, config: owner },
      async (request, reply) => {
        await runtime.memberManager.remove(principalOf(request).tenantId, actorOf(request), request.params.userId);
        return reply.code(204).send();
      },
    );
  };
}
