// Invitations: owners invite by email, list and revoke pending ones; the invitee looks one up and accepts it, with a
// new password (no account yet) or logged in as the invited email. The token only ever travels in request bodies.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Runtime } from '../../runtime.js';
import { actorOf, principalOf, sessionUserOf } from '../request-context.js';
import { displayName, email, idParams, isoDateTime, listOf, newPassword, role, toIso } from '../schemas/common.js';
import { acceptUrl, invitationView, toInvitationView } from '../schemas/invitations.js';
import { loggedIn, tenantMembership, toLoggedIn } from '../schemas/session.js';

const tokenBody = z.object({ token: z.string().min(1).max(256) });

export function invitationsRoutes(runtime: Runtime) {
  return async function routes(app: FastifyInstance): Promise<void> {
    const api = app.withTypeProvider<ZodTypeProvider>();
    const owner = { auth: 'user', minRole: 'owner' } as const;

    api.get(
      '/invitations',
      {
        schema: { summary: 'List the tenant’s pending invitations', tags: ['members'], response: { 200: listOf(invitationView) } },
        config: owner,
      },
      async (request) => ({
        data: (await runtime.invitations.listPending(principalOf(request).tenantId)).map(toInvitationView),
        nextCursor: null,
      }),
    );

    api.post(
      '/invitations',
      {
        schema: {
          summary: 'Invite a person by email; the answer (the same whether or not the email has an account) holds the link, once',
          tags: ['members'],
          body: z.object({ email, role, name: displayName.optional() }),
          response: {
            201: invitationView.extend({
              token: z.string().describe('Shown once; only its hash is stored.'),
              acceptUrl: z.string().describe('The dashboard page that accepts the invitation, with the token in its fragment.'),
            }),
          },
        },
        config: owner,
      },
      async (request, reply) => {
        const { invitation, token } = await runtime.invitations.invite(principalOf(request).tenantId, actorOf(request), request.body);
        const url = acceptUrl(runtime.config.publicUrl, request, token);
        return reply.code(201).send({ ...toInvitationView(invitation), token, acceptUrl: url });
      },
    );

    api.delete(
      '/invitations/:id',
      { schema: { summary: 'Revoke a pending invitation: its link stops working', tags: ['members'], params: idParams }, config: owner },
      async (request, reply) => {
        await runtime.invitations.revoke(principalOf(request).tenantId, actorOf(request), request.params.id);
        return reply.code(204).send();
      },
    );

    api.post(
      '/invitations/lookup',
      {
        schema: {
          summary: 'What an invitation is for: the tenant, the email invited, the role and the expiry',
          tags: ['members'],
          security: [],
          body: tokenBody,
          response: { 200: z.object({ tenantName: z.string(), email: z.string(), role, expiresAt: isoDateTime }) },
        },
        config: { auth: 'public' },
      },
      async (request) => {
        const invitation = await runtime.invitations.lookup(request.body.token);
        return {
          tenantName: invitation.tenantName,
          email: invitation.email,
          role: invitation.role,
          expiresAt: toIso(invitation.expiresAt),
        };
      },
    );

    api.post(
      '/invitations/accept',
      {
        schema: {
          summary: 'Accept an invitation for your own email while logged in: you join its tenant with its role',
          tags: ['members'],
          body: tokenBody,
          response: { 200: z.object({ tenant: tenantMembership }) },
        },
        config: { auth: 'session' },
      },
      async (request) => {
        const membership = await runtime.invitations.acceptAsUser(request.body.token, sessionUserOf(request), request.ip);
        return { tenant: { id: membership.tenantId, name: membership.tenantName, role: membership.role, suspended: membership.suspended } };
      },
    );

    api.post(
      '/invitations/accept-with-password',
      {
        schema: {
          summary: 'Accept an invitation by choosing your password: creates your account, joins the tenant, logs you in',
          description: 'An email that already has an account is answered 401 `login_required`: log in, then accept.',
          tags: ['members'],
          security: [],
          body: tokenBody.extend({ password: newPassword }),
          response: { 200: loggedIn },
        },
        config: { auth: 'public' },
      },
      async (request) => toLoggedIn(await runtime.invitations.acceptWithNewAccount(request.body.token, request.body.password, request.ip)),
    );
  };
}
