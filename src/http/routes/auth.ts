// Dashboard sessions: log in, who am I, change password, log out everywhere.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Runtime } from '../../runtime.js';
import { sessionUserOf } from '../request-context.js';
import { newPassword } from '../schemas/common.js';
import { loggedIn, session, tenantMembership, toLoggedIn, toTenants, toUserView, userView } from '../schemas/session.js';

const allowedBeforePasswordChange = { auth: 'session', beforePasswordChange: true } as const;

export function authRoutes(runtime: Runtime) {
  return async function routes(app: FastifyInstance): Promise<void> {
    const api = app.withTypeProvider<ZodTypeProvider>();

    api.post(
      '/auth/login',
      {
        schema: {
          summary: 'Log in; returns a session token for the dashboard API',
          tags: ['auth'],
          security: [],
          body: z.object({ email: z.string().min(1).max(320), password: z.string().min(1).max(4096) }),
          response: { 200: loggedIn },
        },
        config: { auth: 'public' },
      },
      async (request) => toLoggedIn(await runtime.login.login(request.body.email, request.body.password, request.ip)),
    );

    api.get(
      '/auth/me',
      {
        schema: {
          summary: 'The logged-in user and their tenants',
          tags: ['auth'],
          response: { 200: z.object({ user: userView, tenants: z.array(tenantMembership) }) },
        },
        config: allowedBeforePasswordChange,
      },
      async (request) => {
        const { user, tenants } = await runtime.account.whoAmI(sessionUserOf(request).id);
        return { user: toUserView(user), tenants: toTenants(tenants) };
      },
    );

    api.post(
      '/auth/password',
      {
        schema: {
          summary: 'Change your password; every session ends, this one included, and a new token is returned',
          tags: ['auth'],
          body: z.object({ currentPassword: z.string().min(1).max(4096), newPassword }),
          response: { 200: session },
        },
        config: allowedBeforePasswordChange,
      },
      async (request) => {
        const issued = await runtime.passwordChange.change(sessionUserOf(request).id, request.body, request.ip);
        return { token: issued.token, expiresAt: issued.expiresAt.toISOString() };
      },
    );

    api.post(
      '/auth/logout-all',
      {
        schema: { summary: 'End every session of the logged-in user, this one included', tags: ['auth'] },
        config: allowedBeforePasswordChange,
      },
      async (request, reply) => {
        await runtime.account.endAllSessions(sessionUserOf(request).id);
        return reply.code(204).send();
      },
    );
  };
}
