// A logged-in person changes their own password: every session issued before ends (the token version moves on),
// the must-change flag clears, each of their tenants' audit logs records it, and a fresh session is returned.
import type { InvalidationBus } from '../cache/invalidation-bus.js';
import { AuthenticationError, InvalidRequestError, ShuttleError } from '../errors/shuttle-error.js';
import { auditedChange } from '../store/audited-change.js';
import type { Db } from '../store/database.js';
import { MembershipRepository } from '../store/repositories/memberships.js';
import { UserRepository } from '../store/repositories/users.js';
import type { LoginThrottle } from './login-throttle.js';
import { hashPassword, verifyPassword } from './passwords.js';
import type { IssuedToken, SessionTokens } from './session-tokens.js';

export class PasswordChange {
  constructor(
    private readonly db: Db,
    private readonly bus: InvalidationBus,
    private readonly sessionTokens: SessionTokens,
    private readonly throttle: LoginThrottle,
  ) {}

  async change(userId: string, input: { currentPassword: string; newPassword: string }, ip: string): Promise<IssuedToken> {
    const user = await new UserRepository(this.db).get(userId);
    if (!user) throw new AuthenticationError('invalid_token');
    // A guess at the current password is a login attempt: counted with the account's logins, or a session (a
    // borrowed laptop, a leaked token) could guess the password without limit and then change it.
    await this.throttle.admit(user.email, ip);
    if (!(await verifyPassword(user.passwordHash, input.currentPassword))) {
      throw new InvalidRequestError('The current password is not correct.', 'currentPassword');
    }
    await this.throttle.recordSuccess(user.email, ip);
    if (input.newPassword === input.currentPassword) throw new ShuttleError('password_not_changed', { param: 'newPassword' });
    const passwordHash = await hashPassword(input.newPassword);
    const tokenVersion = await auditedChange(
      this.db,
      async (trx, audit) => {
        const version = await new UserRepository(trx).setPassword(userId, passwordHash);
        for (const membership of await new MembershipRepository(trx).listForUser(userId)) {
          await audit(
            membership.tenantId,
            { type: 'user', id: userId, label: user.email, ip },
            { action: 'auth.password_changed', targetType: 'user', targetId: userId },
          );
        }
        return version;
      },
      () => this.bus.publish('user', userId),
    );
    return this.sessionTokens.issue(userId, tokenVersion);
  }
}
