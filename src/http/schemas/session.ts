// The logged-in person as the API shows them: the user, their tenants, and a session token with its expiry.
import { z } from 'zod';
import type { Membership } from '../../store/repositories/memberships.js';
import type { User } from '../../store/repositories/users.js';
import { isoDateTime, role, toIso } from './common.js';

export const userView = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string().nullable(),
  createdAt: isoDateTime,
  mustChangePassword: z
    .boolean()
    .describe('The password was set by someone else: every call but changing it, /auth/me and logging out is refused until it is changed.'),
  operator: z.boolean().describe('A server operator: may call /api/v1/admin/… (docs/operators.md).'),
});
export const tenantMembership = z.object({
  id: z.string(),
  name: z.string(),
  role,
  suspended: z.boolean().describe('Suspended by the server’s operators: calls acting in it answer 423 tenant_suspended.'),
});
export const session = z.object({ token: z.string(), expiresAt: isoDateTime });

type SessionUserFields = User & { mustChangePassword: boolean; operator?: boolean };

export const toUserView = (user: SessionUserFields) => ({
  id: user.id,
  email: user.email,
  name: user.name,
  createdAt: toIso(user.createdAt),
  mustChangePassword: user.mustChangePassword,
  operator: user.operator ?? false,
});
export const toTenants = (memberships: Membership[]) =>
  memberships.map((m) => ({ id: m.tenantId, name: m.tenantName, role: m.role, suspended: m.suspended }));

/** What logging in answers (and accepting an invitation with a new password, which logs the person in). */
export const loggedIn = session.extend({ user: userView, tenants: z.array(tenantMembership) });

export const toLoggedIn = (result: { token: string; expiresAt: Date; user: SessionUserFields; tenants: Membership[] }) => ({
  token: result.token,
  expiresAt: result.expiresAt.toISOString(),
  user: toUserView(result.user),
  tenants: toTenants(result.tenants),
});
