// The audit log of a tenant, newest first, with keyset pagination.
import type { Db } from '../database.js';
import { newId } from '../ids.js';
import { decodeCursor, encodeCursor } from '../keyset-cursor.js';
import type { ActorType, AuditLogTable } from '../schema.js';

export interface Actor {
  type: ActorType;
  id: string | null;
  /** A human-readable name for the actor: an email, a key name. */
  label: string | null;
  ip: string | null;
}

/**
 * Every action Shuttle records, so the dashboard's filter offers each (GET /audit-log answers them as `actions`).
 * `member.added` is only in entries older than invitations (migration 0006).
 */
export const AUDIT_ACTIONS = [
  'auth.login_failed',
  'auth.password_changed',
  'cache.cleared',
  'customer.updated',
  'environment.created',
  'environment.deleted',
  'environments.promoted',
  'flow.activated',
  'flow.created',
  'flow.deleted',
  'flow.updated',
  'flow.version_created',
  'invitation.accepted',
  'invitation.created',
  'invitation.revoked',
  'key.allowed_models_changed',
  'key.created',
  'key.limits_changed',
  'key.master_regenerated',
  'key.renamed',
  'key.revoked',
  'mcp_server.created',
  'mcp_server.deleted',
  'mcp_server.updated',
  'member.added',
  'member.removed',
  'member.role_changed',
  'plan.updated',
  'provider.created',
  'provider.deleted',
  'provider.updated',
  'routing_rule.deleted',
  'routing_rule.saved',
  'tenant.created',
  'tenant.plan_changed',
  'tenant.resumed',
  'tenant.suspended',
  'tenant.updated',
  'tool.created',
  'tool.deleted',
  'tool.updated',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditEntry {
  action: AuditAction;
  targetType?: string;
  targetId?: string;
  details?: Record<string, unknown>;
}

export interface AuditRecord {
  id: string;
  action: string;
  actor: { type: ActorType; id: string | null; label: string | null };
  target: { type: string | null; id: string | null };
  details: Record<string, unknown>;
  ip: string | null;
  createdAt: number;
}

function toRecord(row: AuditLogTable): AuditRecord {
  return {
    id: row.id,
    action: row.action,
    actor: { type: row.actor_type, id: row.actor_id, label: row.actor_label },
    target: { type: row.target_type, id: row.target_id },
    details: JSON.parse(row.details),
    ip: row.ip,
    createdAt: row.created_at,
  };
}

export interface AuditPage {
  data: AuditRecord[];
  nextCursor: string | null;
}

export class AuditLogRepository {
  constructor(private readonly db: Db) {}

  async record(tenantId: string, actor: Actor, entry: AuditEntry): Promise<void> {
    await this.db
      .insertInto('audit_log')
      .values({
        id: newId('aud'),
        tenant_id: tenantId,
        actor_type: actor.type,
        actor_id: actor.id,
        actor_label: actor.label,
        action: entry.action,
        target_type: entry.targetType ?? null,
        target_id: entry.targetId ?? null,
        details: JSON.stringify(entry.details ?? {}),
        ip: actor.ip,
        created_at: Date.now(),
      })
      .execute();
  }

  /** `cursor` is the `nextCursor` of the previous page: `<created_at>:<id>` of its last entry. */
  async list(tenantId: string, options: { limit: number; cursor?: string | undefined; action?: string | undefined }): Promise<AuditPage> {
    let query = this.db.selectFrom('audit_log').selectAll().where('tenant_id', '=', tenantId);
    if (options.action) query = query.where('action', '=', options.action);
    const after = decodeCursor(options.cursor);
    if (after) {
      query = query.where((eb) =>
        eb.or([eb('created_at', '<', after.at), eb.and([eb('created_at', '=', after.at), eb('id', '<', after.id)])]),
      );
    }
    const rows = await query
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(options.limit + 1)
      .execute();
    const page = rows.slice(0, options.limit);
    const last = page.at(-1);
    return {
      data: page.map(toRecord),
      nextCursor: rows.length > options.limit && last ? encodeCursor({ at: last.created_at, id: last.id }) : null,
    };
  }
}
