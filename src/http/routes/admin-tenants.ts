// /admin/tenants: operators list, create, rename, give plans to, suspend, resume and delete tenants
// (docs/operators.md). Operators only: everyone else, tenant owners and API keys included, gets 403.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Runtime } from '../../runtime.js';
import { operatorOf } from '../request-context.js';
import { adminTenantView, planId, toAdminTenantView } from '../schemas/admin.js';
import { displayName, email, idParams, listOf } from '../schemas/common.js';
import { acceptUrl, invitationView, toInvitationView } from '../schemas/invitations.js';

export function adminTenantsRoutes(runtime: Runtime) {
  return async function routes(app: FastifyInstance): Promise<void> {
    const api = app.withTypeProvider<ZodTypeProvider>();
    const operator = { auth: 'operator' } as const;
    const tags = ['operators'];

    api.get(
      '/admin/tenants',
      {
        schema: { summary: 'List every tenant with this month’s requests and cost', tags, response: { 200: listOf(adminTenantView) } },
        config: operator,
      },
      async () => ({ data: (await runtime.tenantAdministration.list()).map(toAdminTenantView), nextCursor: null }),
    );

    api.post(
      '/admin/tenants',
      {
        schema: {
          summary: 'Create a tenant; its first owner is invited (the answer holds the invitation link, once)',
          tags,
          body: z.object({ name: displayName, ownerEmail: email, planId: planId.nullable().optional() }).strict(),
          response: {
            201: adminTenantView.extend({
              invitation: invitationView.extend({
                token: z.string().describe('Shown once; only its hash is stored.'),
                acceptUrl: z.string().describe('The dashboard page that accepts the invitation, with the token in its fragment.'),
              }),
            }),
          },
        },
        config: operator,
      },
      async (request, reply) => {
        const created = await runtime.tenantAdministration.create(operatorOf(request), request.body);
        return reply.code(201).send({
          ...toAdminTenantView(created.tenant),
          invitation: {
            ...toInvitationView(created.invitation),
            token: created.token,
            acceptUrl: acceptUrl(runtime.config.publicUrl, request, created.token),
          },
        });
      },
    );

    api.get(
      '/admin/tenants/:id',
      { schema: { summary: 'One tenant', tags, params: idParams, response: { 200: adminTenantView } }, config: operator },
      async (request) => toAdminTenantView(await runtime.tenantAdministration.get(request.params.id)),
    );

    api.patch(
      '/admin/tenants/:id',
      {
        schema: {
          summary: 'Rename a tenant, change its plan, suspend or resume it (at once on every instance)',
          tags,
          params: idParams,
          body: z
            .object({
              name: displayName.optional(),
              planId: planId.nullable().optional().describe('null removes the plan'),
              suspended: z.boolean().optional().describe('true: its keys and members get 423 tenant_suspended on every call'),
            })
            .strict(),
          response: { 200: adminTenantView },
        },
        config: operator,
      },
      async (request) => toAdminTenantView(await runtime.tenantAdministration.update(operatorOf(request), request.params.id, request.body)),
    );

    api.delete(
      '/admin/tenants/:id',
      {
        schema: {
          summary: 'Delete a tenant and all it owns; refused (409) while it has working keys unless ?force=true',
          tags,
          params: idParams,
          querystring: z.object({ force: z.enum(['true', 'false']).optional() }).strict(),
        },
        config: operator,
      },
      async (request, reply) => {
        await runtime.tenantAdministration.delete(operatorOf(request), request.params.id, { force: request.query.force === 'true' });
        return reply.code(204).send();
      },
    );
  };
}
