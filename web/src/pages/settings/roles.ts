// The roles a member can have, with what each may do (docs/security.md).
import type { Role } from '../../api/types';

export const ROLES: Array<{ value: Role; label: string }> = [
  { value: 'owner', label: 'Owner: everything, including members' },
  { value: 'admin', label: 'Admin: keys and settings' },
  { value: 'member', label: 'Member: calls models, reads data' },
  { value: 'viewer', label: 'Viewer: reads data' },
];
