// Invitations to join a tenant: pending until accepted, revoked or expired. Only the token's hash is stored.
import type { Selectable } from 'kysely';
import type { Db } from '../database.js';
import { newId } from '../ids.js';
import type { InvitationsTable, Role } from '../schema.js';
import { normalizeEmail } from './users.js';

export interface Invitation {
  id: string;
  tenantId: string;
  email: string;
  name: string | null;
  role: Role;
  invitedBy: string | null;
  createdAt: number;
  expiresAt: number;
  acceptedAt: number | null;
  revokedAt: number | null;
}

/** An invitation found by its token, with the tenant's name to show the invitee. */
export interface InvitationWithTenant extends Invitation {
  tenantName: string;
}

function toInvitation(row: Selectable<InvitationsTable>): Invitation {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    email: row.email,
    name: row.name,
    role: row.role,
    invitedBy: row.invited_by,
    createdAt: Number(row.created_at),
    expiresAt: Number(row.expires_at),
    acceptedAt: row.accepted_at === null ? null : Number(row.accepted_at),
    revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
  };
}

export class InvitationRepository {
  constructor(private readonly db: Db) {}

  async create(
    tenantId: string,
    input: {
      email: string;
      name: string | null;
      role: Role;
      tokenHash: string;
      invitedBy: string | null;
      createdAt: number;
      expiresAt: number;
    },
  ): Promise<Invitation> {
    const invitation: Invitation = {
      id: newId('inv'),
      tenantId,
      email: normalizeEmail(input.email),
      name: input.name,
      role: input.role,
      invitedBy: input.invitedBy,
      createdAt: input.createdAt,
      expiresAt: input.expiresAt,
      acceptedAt: null,
      revokedAt: null,
    };
    await this.db
      .insertInto('invitations')
      .values({
        id: invitation.id,
        tenant_id: tenantId,
        email: invitation.email,
        name: invitation.name,
        role: invitation.role,
        token_hash: input.tokenHash,
        invited_by: invitation.invitedBy,
        created_at: invitation.createdAt,
        expires_at: invitation.expiresAt,
      })
      .execute();
    return invitation;
  }

  /** Invitations not yet accepted, revoked or expired, oldest first. */
  async listPending(tenantId: string, now: number): Promise<Invitation[]> {
    const rows = await this.db
      .selectFrom('invitations')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('accepted_at', 'is', null)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', now)
      .orderBy('created_at')
      .execute();
    return rows.map(toInvitation);
  }

  async findPendingForEmail(tenantId: string, email: string, now: number): Promise<Invitation[]> {
    return (await this.listPending(tenantId, now)).filter((invitation) => invitation.email === normalizeEmail(email));
  }

  async get(tenantId: string, invitationId: string): Promise<Invitation | undefined> {
    const row = await this.db
      .selectFrom('invitations')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('id', '=', invitationId)
      .executeTakeFirst();
    return row && toInvitation(row);
  }

  /** The one lookup not scoped by tenant: the token is the invitee's only credential, and names its tenant. */
  async findByTokenHash(tokenHash: string): Promise<InvitationWithTenant | undefined> {
    const row = await this.db
      .selectFrom('invitations')
      .innerJoin('tenants', 'tenants.id', 'invitations.tenant_id')
      .selectAll('invitations')
      .select('tenants.name as tenant_name')
      .where('invitations.token_hash', '=', tokenHash)
      .executeTakeFirst();
    return row && { ...toInvitation(row), tenantName: row.tenant_name };
  }

  /** Marks a pending invitation revoked; false when it was no longer pending. */
  async revoke(tenantId: string, invitationId: string, now: number): Promise<boolean> {
    const result = await this.db
      .updateTable('invitations')
      .set({ revoked_at: now })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', invitationId)
      .where('accepted_at', 'is', null)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Revokes every pending invitation one person made; returns those it revoked. */
  async revokeMadeBy(tenantId: string, userId: string, now: number): Promise<Invitation[]> {
    const pending = (await this.listPending(tenantId, now)).filter((invitation) => invitation.invitedBy === userId);
    for (const invitation of pending) await this.revoke(tenantId, invitation.id, now);
    return pending;
  }

  /** Uses the invitation up, once: false when another request accepted (or revoked) it first. */
  async markAccepted(tenantId: string, invitationId: string, userId: string, now: number): Promise<boolean> {
    const result = await this.db
      .updateTable('invitations')
      .set({ accepted_at: now, accepted_by: userId })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', invitationId)
      .where('accepted_at', 'is', null)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }
}
