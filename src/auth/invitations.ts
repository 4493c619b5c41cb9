// Owners invite people by email; the invitee proves they hold the link (a single-use, expiring token shown once to
// the owner, stored hashed) and either sets their own password (a new account) or accepts while logged in as that
// email (an existing account). The owner's answer is the same either way, so it never tells whether an email has an
// account, and nobody ever learns or sets another person's password.
import { createHash } from 'node:crypto';
import type { InvalidationBus } from '../cache/invalidation-bus.js';
import { AuthenticationError, ConflictError, PermissionDeniedError, ShuttleError } from '../errors/shuttle-error.js';
import { auditedChange, type RecordAudit } from '../store/audited-change.js';
import type { Db } from '../store/database.js';
import { randomBase62 } from '../store/ids.js';
import type { Actor } from '../store/repositories/audit-log.js';
import { type Invitation, InvitationRepository, type InvitationWithTenant } from '../store/repositories/invitations.js';
import { type Membership, MembershipRepository } from '../store/repositories/memberships.js';
import { TenantRepository } from '../store/repositories/tenants.js';
import { type User, UserRepository } from '../store/repositories/users.js';
import type { Role } from '../store/schema.js';
import { isUniqueViolation } from '../store/unique-violation.js';
import { hashPassword } from './passwords.js';
import type { IssuedToken, SessionTokens } from './session-tokens.js';

export interface CreatedInvitation {
  invitation: Invitation;
  /** Shown once; only its sha256 is stored. */
  token: string;
}

export interface NewAccountSession extends IssuedToken {
  user: User & { mustChangePassword: boolean };
  tenants: Membership[];
}

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** A token found, still usable: not revoked (or replaced), not used, not expired. */
function usable(invitation: InvitationWithTenant | undefined, now: number): InvitationWithTenant {
  if (!invitation || invitation.revokedAt !== null) throw new ShuttleError('invitation_not_found');
  if (invitation.acceptedAt !== null) throw new ShuttleError('invitation_used');
  if (invitation.expiresAt <= now) throw new ShuttleError('invitation_expired');
  return invitation;
}

export class InvitationService {
  constructor(
    private readonly db: Db,
    private readonly bus: InvalidationBus,
    private readonly sessionTokens: SessionTokens,
    private readonly ttlMs: number,
  ) {}

  listPending(tenantId: string): Promise<Invitation[]> {
    return new InvitationRepository(this.db).listPending(tenantId, Date.now());
  }

  /** Inviting an email already invited replaces the earlier invitation: its link stops working. */
  async invite(
    tenantId: string,
    actor: Actor,
    input: { email: string; role: Role; name?: string | undefined },
  ): Promise<CreatedInvitation> {
    return auditedChange(this.db, (trx, audit) => this.inviteWithin(trx, audit, tenantId, actor, input));
  }

  /** Invites within a caller's transaction (an operator creating a tenant invites its first owner in the same one). */
  async inviteWithin(
    trx: Db,
    audit: RecordAudit,
    tenantId: string,
    actor: Actor,
    input: { email: string; role: Role; name?: string | undefined },
  ): Promise<CreatedInvitation> {
    const token = randomBase62(43);
    // Serialised per tenant: two simultaneous invitations of one email would otherwise both see no earlier one, and
    // leave two working links where the newer must replace the older.
    await new TenantRepository(trx).lock(tenantId);
    const invitations = new InvitationRepository(trx);
    const members = await new MembershipRepository(trx).listForTenant(tenantId);
    const member = members.find((m) => m.email === input.email.trim().toLowerCase());
    if (member) throw new ConflictError('conflict', { message: `${member.email} is already a member.` });
    const now = Date.now();
    const replaced = await invitations.findPendingForEmail(tenantId, input.email, now);
    for (const earlier of replaced) await invitations.revoke(tenantId, earlier.id, now);
    const invitation = await invitations.create(tenantId, {
      email: input.email,
      name: input.name ?? null,
      role: input.role,
      tokenHash: hashToken(token),
      invitedBy: actor.type === 'user' ? actor.id : null,
      createdAt: now,
      expiresAt: now + this.ttlMs,
    });
    await audit(tenantId, actor, {
      action: 'invitation.created',
      targetType: 'invitation',
      targetId: invitation.id,
      details: {
        email: invitation.email,
        role: invitation.role,
        expiresAt: new Date(invitation.expiresAt).toISOString(),
        ...(replaced.length > 0 ? { replaced: replaced.map((r) => r.id) } : {}),
      },
    });
    return { invitation, token };
  }

  async revoke(tenantId: string, actor: Actor, invitationId: string): Promise<void> {
    await auditedChange(this.db, async (trx, audit) => {
      const invitations = new InvitationRepository(trx);
      const invitation = await invitations.get(tenantId, invitationId);
      if (!invitation || !(await invitations.revoke(tenantId, invitationId, Date.now()))) {
        throw new ShuttleError('not_found', { message: `No pending invitation ${invitationId}.` });
      }
      await audit(tenantId, actor, {
        action: 'invitation.revoked',
        targetType: 'invitation',
        targetId: invitationId,
        details: { email: invitation.email, role: invitation.role },
      });
    });
  }

  /** What the invitee sees before accepting: the tenant's name, the email invited, the role and the expiry. */
  async lookup(token: string): Promise<InvitationWithTenant> {
    return usable(await new InvitationRepository(this.db).findByTokenHash(hashToken(token)), Date.now());
  }

  /** A logged-in person accepts an invitation for their own email: they join with the invited role. */
  async acceptAsUser(token: string, user: { id: string; email: string }, ip: string): Promise<Membership> {
    return auditedChange(
      this.db,
      async (trx, audit) => {
        const invitations = new InvitationRepository(trx);
        const invitation = usable(await invitations.findByTokenHash(hashToken(token)), Date.now());
        if (invitation.email !== user.email) {
          throw new PermissionDeniedError('invitation_for_another_user', {
            message: `This invitation is for ${invitation.email}; you are logged in as ${user.email}.`,
          });
        }
        const memberships = new MembershipRepository(trx);
        if (await memberships.role(invitation.tenantId, user.id)) {
          throw new ConflictError('conflict', { message: `You already belong to ${invitation.tenantName}.` });
        }
        return this.join(trx, audit, invitation, user, ip);
      },
      () => this.bus.publish('user', user.id),
    );
  }

  /**
   * Someone without an account sets their own password through the link: the account is made, joins the tenant, and
   * is logged in. An email that already has an account is refused (log in and accept instead): its password is never
   * set through an invitation.
   */
  async acceptWithNewAccount(token: string, password: string, ip: string): Promise<NewAccountSession> {
    // The link is checked before the (deliberately slow) hash, so a made-up token costs the server nothing; the
    // transaction checks it again.
    await this.lookup(token);
    const passwordHash = await hashPassword(password);
    const { user, membership } = await auditedChange(this.db, async (trx, audit) => {
      const invitation = usable(await new InvitationRepository(trx).findByTokenHash(hashToken(token)), Date.now());
      const users = new UserRepository(trx);
      if (await users.findByEmail(invitation.email)) throw new AuthenticationError('login_required');
      const user = await users.create({ email: invitation.email, passwordHash, name: invitation.name }).catch((error: unknown) => {
        if (error instanceof ShuttleError && error.code === 'email_taken') throw new AuthenticationError('login_required');
        throw isUniqueViolation(error) ? new AuthenticationError('login_required') : error;
      });
      return { user, membership: await this.join(trx, audit, invitation, user, ip) };
    });
    const issued = await this.sessionTokens.issue(user.id, 0);
    return { ...issued, user: { ...user, mustChangePassword: false }, tenants: [membership] };
  }

  private async join(
    trx: Db,
    audit: RecordAudit,
    invitation: InvitationWithTenant,
    user: { id: string; email: string },
    ip: string,
  ): Promise<Membership> {
    const now = Date.now();
    if (!(await new InvitationRepository(trx).markAccepted(invitation.tenantId, invitation.id, user.id, now))) {
      throw new ShuttleError('invitation_used');
    }
    await new MembershipRepository(trx).add(invitation.tenantId, user.id, invitation.role);
    await audit(
      invitation.tenantId,
      { type: 'user', id: user.id, label: user.email, ip },
      {
        action: 'invitation.accepted',
        targetType: 'invitation',
        targetId: invitation.id,
        details: { email: user.email, role: invitation.role, userId: user.id },
      },
    );
    const suspended = ((await new TenantRepository(trx).get(invitation.tenantId))?.suspendedAt ?? null) !== null;
    return { tenantId: invitation.tenantId, tenantName: invitation.tenantName, userId: user.id, role: invitation.role, suspended };
  }
}
