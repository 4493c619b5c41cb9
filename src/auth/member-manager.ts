// Owners change their members' roles and remove them (people join through invitations.ts). A tenant always keeps at
// least one owner, and an owner who leaves, or stops being one, leaves no pending invitation of theirs behind.
import type { InvalidationBus } from '../cache/invalidation-bus.js';
import { ConflictError, NotFoundError } from '../errors/shuttle-error.js';
import { auditedChange, type RecordAudit } from '../store/audited-change.js';
import type { Db } from '../store/database.js';
import type { Actor } from '../store/repositories/audit-log.js';
import { InvitationRepository } from '../store/repositories/invitations.js';
import { type Member, MembershipRepository } from '../store/repositories/memberships.js';
import { TenantRepository } from '../store/repositories/tenants.js';
import type { Role } from '../store/schema.js';

export class MemberManager {
  constructor(
    private readonly db: Db,
    private readonly bus: InvalidationBus,
  ) {}

  list(tenantId: string): Promise<Member[]> {
    return new MembershipRepository(this.db).listForTenant(tenantId);
  }

  async changeRole(tenantId: string, actor: Actor, userId: string, role: Role): Promise<Member> {
    return auditedChange(
      this.db,
      async (trx, audit) => {
        await new TenantRepository(trx).lock(tenantId);
        const memberships = new MembershipRepository(trx);
        const current = (await memberships.listForTenant(tenantId)).find((m) => m.userId === userId);
        if (!current) throw new NotFoundError(`No member ${userId}.`);
        if (current.role === 'owner' && role !== 'owner') await this.keepAnOwner(memberships, tenantId);
        await memberships.setRole(tenantId, userId, role);
        await audit(tenantId, actor, {
          action: 'member.role_changed',
          targetType: 'user',
          targetId: userId,
          details: { email: current.email, from: current.role, to: role },
        });
        if (current.role === 'owner' && role !== 'owner') await this.revokeInvitationsOf(trx, audit, tenantId, actor, userId);
        return { ...current, role };
      },
      () => this.bus.publish('user', userId),
    );
  }

  async remove(tenantId: string, actor: Actor, userId: string): Promise<void> {
    await auditedChange(
      this.db,
      async (trx, audit) => {
        await new TenantRepository(trx).lock(tenantId);
        const memberships = new MembershipRepository(trx);
        const current = (await memberships.listForTenant(tenantId)).find((m) => m.userId === userId);
        if (!current) throw new NotFoundError(`No member ${userId}.`);
        if (current.role === 'owner') await this.keepAnOwner(memberships, tenantId);
        await memberships.remove(tenantId, userId);
        await audit(tenantId, actor, {
          action: 'member.removed',
          targetType: 'user',
          targetId: userId,
          details: { email: current.email, role: current.role },
        });
        await this.revokeInvitationsOf(trx, audit, tenantId, actor, userId);
      },
      () => this.bus.publish('user', userId),
    );
  }

  /**
   * Only owners invite, and an invitation outlives the session that made it: left pending, it would let someone who
   * was removed (or demoted) walk back in — as an owner, if that was the role they invited themselves with.
   */
  private async revokeInvitationsOf(trx: Db, audit: RecordAudit, tenantId: string, actor: Actor, userId: string): Promise<void> {
    for (const invitation of await new InvitationRepository(trx).revokeMadeBy(tenantId, userId, Date.now())) {
      await audit(tenantId, actor, {
        action: 'invitation.revoked',
        targetType: 'invitation',
        targetId: invitation.id,
        details: { email: invitation.email, role: invitation.role, reason: 'inviter_removed' },
      });
    }
  }

  private async keepAnOwner(memberships: MembershipRepository, tenantId: string): Promise<void> {
    if ((await memberships.countOwners(tenantId)) <= 1) {
      throw new ConflictError('conflict', { message: 'A tenant must keep at least one owner; make someone else owner first.' });
    }
  }
}
