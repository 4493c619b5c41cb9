// Owners add people to their tenant, change their roles and remove them. A tenant always keeps at least one owner.
// Inviting an email that has no account creates one with a one-time password, returned once to the owner.
import type { InvalidationBus } from '../cache/invalidation-bus.js';
import { ConflictError, NotFoundError } from '../errors/shuttle-error.js';
import type { Db } from '../store/database.js';
import { type Actor, AuditLogRepository } from '../store/repositories/audit-log.js';
import { type Member, MembershipRepository } from '../store/repositories/memberships.js';
import { TenantRepository } from '../store/repositories/tenants.js';
import { UserRepository } from '../store/repositories/users.js';
import type { Role } from '../store/schema.js';
import { generatePassword, hashPassword } from './passwords.js';

export interface Invitation {
  member: Member;
  /** Set when the invitation created the account: the person logs in with it and changes it. Shown once. */
  temporaryPassword: string | null;
}

export class MemberManager {
  constructor(
    private readonly db: Db,
    private readonly bus: InvalidationBus,
  ) {}

  list(tenantId: string): Promise<Member[]> {
    return new MembershipRepository(this.db).listForTenant(tenantId);
  }

  async invite(tenantId: string, actor: Actor, input: { email: string; role: Role; name?: string | undefined }): Promise<Invitation> {
    const temporaryPassword = generatePassword();
    const passwordHash = await hashPassword(temporaryPassword);
    const invitation = await this.db.transaction().execute(async (trx) => {
      const users = new UserRepository(trx);
      const memberships = new MembershipRepository(trx);
      const existing = await users.findByEmail(input.email);
      const user = existing ?? (await users.create({ email: input.email, passwordHash, name: input.name ?? null }));
      if (existing && (await memberships.role(tenantId, existing.id))) {
        throw new ConflictError('conflict', { message: `${existing.email} is already a member.` });
      }
      await memberships.add(tenantId, user.id, input.role);
      await new AuditLogRepository(trx).record(tenantId, actor, {
        action: 'member.added',
        targetType: 'user',
        targetId: user.id,
        details: { email: user.email, role: input.role },
      });
      const member: Member = { userId: user.id, email: user.email, name: user.name, role: input.role, createdAt: Date.now() };
      return { member, temporaryPassword: existing ? null : temporaryPassword };
    });
    await this.bus.publish('user', invitation.member.userId);
    return invitation;
  }

  async changeRole(tenantId: string, actor: Actor, userId: string, role: Role): Promise<Member> {
    const member = await this.db.transaction().execute(async (trx) => {
      await new TenantRepository(trx).lock(tenantId);
      const memberships = new MembershipRepository(trx);
      const current = (await memberships.listForTenant(tenantId)).find((m) => m.userId === userId);
      if (!current) throw new NotFoundError(`No member ${userId}.`);
      if (current.role === 'owner' && role !== 'owner') await this.keepAnOwner(memberships, tenantId);
      await memberships.setRole(tenantId, userId, role);
      await new AuditLogRepository(trx).record(tenantId, actor, {
        action: 'member.role_changed',
        targetType: 'user',
        targetId: userId,
        details: { email: current.email, from: current.role, to: role },
      });
      return { ...current, role };
    });
    await this.bus.publish('user', userId);
    return member;
  }

  async remove(tenantId: string, actor: Actor, userId: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await new TenantRepository(trx).lock(tenantId);
      const memberships = new MembershipRepository(trx);
      const current = (await memberships.listForTenant(tenantId)).find((m) => m.userId === userId);
      if (!current) throw new NotFoundError(`No member ${userId}.`);
      if (current.role === 'owner') await this.keepAnOwner(memberships, tenantId);
      await memberships.remove(tenantId, userId);
      await new AuditLogRepository(trx).record(tenantId, actor, {
        action: 'member.removed',
        targetType: 'user',
        targetId: userId,
        details: { email: current.email, role: current.role },
      });
    });
    await this.bus.publish('user', userId);
  }

  private async keepAnOwner(memberships: MembershipRepository, tenantId: string): Promise<void> {
    if ((await memberships.countOwners(tenantId)) <= 1) {
      throw new ConflictError('conflict', { message: 'A tenant must keep at least one owner; make someone else owner first.' });
    }
  }
}
