// Roles in a tenant, from most to least powerful, and the one comparison everything uses.
import type { Role } from '../store/schema.js';

export const ROLES = ['owner', 'admin', 'member', 'viewer'] as const satisfies readonly Role[];

const RANK: Record<Role, number> = { owner: 3, admin: 2, member: 1, viewer: 0 };

export function hasRole(role: Role, atLeast: Role): boolean {
  return RANK[role] >= RANK[atLeast];
}
