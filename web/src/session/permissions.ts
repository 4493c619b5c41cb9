// What each role may do, mirroring the API's checks (docs/security.md), so the dashboard hides what it would refuse.
import type { Role } from '../api/types';

export interface Permissions {
  role: Role | null;
  /** Create, rename, revoke keys; regenerate the master key. */
  manageKeys: boolean;
  /** Tenant limits, environments, providers, routing rules; the audit log; the member list. */
  manageTenant: boolean;
  /** Add, re-role and remove members. */
  manageMembers: boolean;
  /** Edit, block and delete customers. */
  manageCustomers: boolean;
  /** Create flows and versions, activate versions, promote environments. */
  manageFlows: boolean;
  /** Run flows (members and up; viewers only read). */
  runFlows: boolean;
}

const RANK: Record<Role, number> = { viewer: 0, member: 1, admin: 2, owner: 3 };

export function permissionsOf(role: Role | null): Permissions {
  const atLeast = (minimum: Role) => role !== null && RANK[role] >= RANK[minimum];
  return {
    role,
    manageKeys: atLeast('admin'),
    manageTenant: atLeast('admin'),
    manageMembers: atLeast('owner'),
    manageCustomers: atLeast('admin'),
    manageFlows: atLeast('admin'),
    runFlows: atLeast('member'),
  };
}
