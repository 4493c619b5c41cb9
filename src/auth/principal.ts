// Who is calling: an API key of a tenant, or (for the dashboard) a logged-in user acting in one tenant.
import type { Limits } from '../domain/limits.js';
import type { KeyKind, Role } from '../store/schema.js';

export interface KeyPrincipal {
  type: 'key';
  tenantId: string;
  keyId: string;
  keyKind: KeyKind;
  environment: string;
  /** The key's name and limits, for limit enforcement and its messages. */
  name: string;
  limits: Limits;
  /** Models or patterns the key may use; null allows every model. */
  allowedModels: readonly string[] | null;
}

export interface UserPrincipal {
  type: 'user';
  tenantId: string;
  userId: string;
  email: string;
  role: Role;
  environment: string;
}

/** Work started from the server's own shell (`shuttle flows run`): it acts in a tenant without a key or a user. */
export interface SystemPrincipal {
  type: 'system';
  tenantId: string;
  environment: string;
}

export type Principal = KeyPrincipal | UserPrincipal | SystemPrincipal;
