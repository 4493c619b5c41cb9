// Dashboard sessions: log in, who am I, change password, log out everywhere.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { hashPassword, verifyPassword } from '../../auth/passwords.js';
import { AuthenticationError } from '../../errors/shuttle-error.js';
import type { Runtime } from '../../runtime.js';
import type { Membership } from '../../store/repositories/memberships.js';
import type { User } from '../../store/repositories/users.js';
import { sessionUserOf } from '../request-context.js';
import { isoDateTime, role, toIso } from '../schemas/common.js';

const password = z.string().min(8, 'must be at least 8 characters').max(256);
const userView = z.object({ id: z.string(), email: z.string(), name: z.string().nullable(), createdAt: isoDateTime });
const tenantMembership = z.object({ id: z.string(), name: z.string(), role });
const session = z.object({ token: z.string(), expiresAt: isoDateTime });

const toUserView = (user: User) => ({ id: user.id, email: user.email, name: user.name, createdAt: toIso(user.createdAt) });
const toTenants = (memberships: Membership[]) => memberships.map((m) => ({ id: m.tenantId, name: m.tenantName, role: m.role }));

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
          body: z.object({ email: z.string().min(1), password: z.string().min(1) }),
          response: { 200: session.extend({ user: userView, tenants: z.array(tenantMembership) }) },
        },
        config: { auth: 'public' },
      },
      async (request) => {
        const result = await runtime.login.login(request.body.email, request.body.password, request.ip);
        return {
          token: result.token,
          expiresAt: result.expiresAt.toISOString(),
          user: toUserView(result.user),
          tenants: toTenants(result.tenants),
        };
      },
    );

    api.get(
      '/auth/me',
      {
        schema: {
          summary: 'The logged-in user and their tenants',
          tags: ['auth'],
          response: { 200: z.object({ user: userView, tenants: z.array(tenantMembership) }) },
        },
        config: { auth: 'session' },
      },
      async (request) => {
        const { id } = sessionUserOf(request);
        const user = await runtime.repos.users.get(id);
        if (!user) throw new AuthenticationError('invalid_token');
        return { user: toUserView(user), tenants: toTenants(await runtime.repos.memberships.listForUser(id)) };
      },
    );

    api.post(
      '/auth/password',
      {
        schema: {
          summary: 'Change your password; every other session ends, a new token is returned',
          tags: ['auth'],
          body: z.object({ currentPassword: z.string().min(1), newPassword: password }),
          response: { 200: session },
        },
        config: { auth: 'session' },
      },
      async (request) => {
        const { id } = sessionUserOf(request);
        const user = await runtime.repos.users.get(id);
        if (!user || !(await verifyPassword(user.passwordHash, request.body.currentPassword))) {
          throw new AuthenticationError('invalid_credentials', { message: 'The current password is not correct.' });
        }
        await runtime.repos.users.setPassword(id, await hashPassword(request.body.newPassword));
        await runtime.bus.publish('user', id);
        const issued = await runtime.sessionTokens.issue(id, user.tokenVersion + 1);
        return { token: issued.token, expiresAt: issued.expiresAt.toISOString() };
      },
    );

    api.post(
      '/auth/logout-all',
      { schema: { summary: 'End every session of the logged-in user, this one included', tags: ['auth'] }, config: { auth: 'session' } },
      async (request, reply) => {
        const { id } = sessionUserOf(request);
        await runtime.repos.users.bumpTokenVersion(id);
        await runtime.bus.publish('user', id);
        return reply.code(204).send();
      },
    );
  };
}
