// POST /auth/login: email + password → a session token. Unknown emails and wrong passwords get the same answer in
// about the same time (a dummy hash is verified for unknown emails); failures are throttled and audit-logged.
import { AuthenticationError } from '../errors/shuttle-error.js';
import type { AuditLogRepository } from '../store/repositories/audit-log.js';
import type { Membership, MembershipRepository } from '../store/repositories/memberships.js';
import type { User, UserRepository } from '../store/repositories/users.js';
import type { LoginThrottle } from './login-throttle.js';
import { hashPassword, verifyPassword } from './passwords.js';
import type { IssuedToken, SessionTokens } from './session-tokens.js';

export interface LoginResult extends IssuedToken {
  /** mustChangePassword: the session may only change the password, read /auth/me and log out until it is changed. */
  user: User & { mustChangePassword: boolean; operator: boolean };
  tenants: Membership[];
}

export class LoginService {
  private readonly dummyHash: Promise<string>;

  constructor(
    private readonly users: UserRepository,
    private readonly memberships: MembershipRepository,
    private readonly auditLog: AuditLogRepository,
    private readonly tokens: SessionTokens,
    private readonly throttle: LoginThrottle,
  ) {
    this.dummyHash = hashPassword('shuttle-dummy-password-for-unknown-emails');
  }

  async login(email: string, password: string, address: string): Promise<LoginResult> {
    await this.throttle.admit(email, address);
    const user = await this.users.findByEmail(email);
    const valid = await verifyPassword(user?.passwordHash ?? (await this.dummyHash), password);
    if (!user || !valid) {
      if (user) await this.auditFailure(user.id, user.email, address);
      throw new AuthenticationError('invalid_credentials');
    }
    await this.throttle.recordSuccess(email, address);
    const issued = await this.tokens.issue(user.id, user.tokenVersion);
    const { passwordHash: _hash, tokenVersion: _version, ...publicUser } = user;
    return { ...issued, user: publicUser, tenants: await this.memberships.listForUser(user.id) };
  }

  private async auditFailure(userId: string, email: string, address: string): Promise<void> {
    for (const membership of await this.memberships.listForUser(userId)) {
      await this.auditLog.record(
        membership.tenantId,
        { type: 'user', id: userId, label: email, ip: address },
        { action: 'auth.login_failed', targetType: 'user', targetId: userId },
      );
    }
  }
}
