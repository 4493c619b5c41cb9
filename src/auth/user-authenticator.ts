// Session token → the user and the tenant they act in (X-Shuttle-Tenant-Id, else their first tenant), with the
// user's token version and memberships cached briefly and forgotten at once when they change.
import { LRUCache } from 'lru-cache';
import type { InvalidationBus } from '../cache/invalidation-bus.js';
import { AuthenticationError, NotFoundError, PermissionDeniedError, ShuttleError } from '../errors/shuttle-error.js';
import type { MembershipRepository } from '../store/repositories/memberships.js';
import type { UserRepository } from '../store/repositories/users.js';
import type { Role } from '../store/schema.js';
import type { UserPrincipal } from './principal.js';
import type { SessionTokens } from './session-tokens.js';

interface UserState {
  email: string;
  tokenVersion: number;
  /** The password is one someone else set: nothing but changing it is allowed. */
  mustChangePassword: boolean;
  /** tenant id → role, in the order the user joined. */
  memberships: Map<string, Role>;
  /** The user's tenants an operator suspended: acting in one is 423 tenant_suspended. */
  suspendedTenants: ReadonlySet<string>;
  /** A server operator (docs/operators.md): may call /api/v1/admin/…. */
  operator: boolean;
}

export interface SessionUser {
  id: string;
  email: string;
}

const STATE_TTL_MS = 30_000;

export class UserAuthenticator {
  private readonly states = new LRUCache<string, UserState>({ max: 10_000, ttl: STATE_TTL_MS });

  constructor(
    private readonly tokens: SessionTokens,
    private readonly users: UserRepository,
    private readonly memberships: MembershipRepository,
    bus: InvalidationBus,
  ) {
    bus.subscribe('user', (userId) => this.states.delete(userId));
    bus.onResync(() => this.states.clear());
  }

  /** Verifies the token and that it was issued after the user's last password change or log-out-everywhere. */
  async authenticateSession(token: string): Promise<SessionUser & { state: UserState }> {
    const claims = await this.tokens.verify(token);
    const state = await this.state(claims.userId);
    if (!state || state.tokenVersion !== claims.tokenVersion) {
      throw new AuthenticationError('invalid_token', { message: 'This session has ended; log in again.' });
    }
    return { id: claims.userId, email: state.email, state };
  }

  /** The user acting in a tenant. A tenant they don't belong to is 404, so tenant ids don't leak. */
  async authenticate(token: string, requestedTenantId: string | undefined): Promise<UserPrincipal> {
    const { id, email, state } = await this.authenticateSession(token);
    if (state.mustChangePassword) throw new PermissionDeniedError('password_change_required');
    const tenantId = requestedTenantId ?? state.memberships.keys().next().value;
    const role = tenantId === undefined ? undefined : state.memberships.get(tenantId);
    if (tenantId === undefined || role === undefined) {
      throw new NotFoundError(requestedTenantId ? `No tenant ${requestedTenantId}.` : 'You do not belong to any tenant.');
    }
    if (state.suspendedTenants.has(tenantId)) throw new ShuttleError('tenant_suspended');
    return { type: 'user', userId: id, email, tenantId, role, environment: 'production' };
  }

  private async state(userId: string): Promise<UserState | undefined> {
    const cached = this.states.get(userId);
    if (cached) return cached;
    const user = await this.users.get(userId);
    if (!user) return undefined;
    const memberships = await this.memberships.listForUser(userId);
    const state: UserState = {
      email: user.email,
      tokenVersion: user.tokenVersion,
      mustChangePassword: user.mustChangePassword,
      memberships: new Map(memberships.map((m) => [m.tenantId, m.role])),
      suspendedTenants: new Set(memberships.filter((m) => m.suspended).map((m) => m.tenantId)),
      operator: user.operator,
    };
    this.states.set(userId, state);
    return state;
  }
}
