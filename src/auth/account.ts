// A logged-in person's own account: who they are and which tenants they belong to, and ending all their sessions.
import type { InvalidationBus } from '../cache/invalidation-bus.js';
import { AuthenticationError } from '../errors/shuttle-error.js';
import { auditedChange } from '../store/audited-change.js';
import type { Db } from '../store/database.js';
import { type Membership, MembershipRepository } from '../store/repositories/memberships.js';
import { type User, UserRepository } from '../store/repositories/users.js';

export interface AccountView {
  user: User & { mustChangePassword: boolean; operator: boolean };
  tenants: Membership[];
}

export class AccountService {
  constructor(
    private readonly db: Db,
    private readonly bus: InvalidationBus,
  ) {}

  async whoAmI(userId: string): Promise<AccountView> {
    const user = await new UserRepository(this.db).get(userId);
    if (!user) throw new AuthenticationError('invalid_token');
    const { id, email, name, createdAt, mustChangePassword, operator } = user;
    return {
      user: { id, email, name, createdAt, mustChangePassword, operator },
      tenants: await new MembershipRepository(this.db).listForUser(userId),
    };
  }

  /** Every session token issued so far stops working, on every instance. */
  async endAllSessions(userId: string): Promise<void> {
    await auditedChange(
      this.db,
      (trx) => new UserRepository(trx).bumpTokenVersion(userId),
      () => this.bus.publish('user', userId),
    );
  }
}
