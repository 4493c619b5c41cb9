// One admin change, the way every domain service makes it: its writes and its audit entries in one transaction (a
// crash can never leave a write without its entry), then — only once committed — what other instances must hear of
// it (cache invalidations). Services call this; routes never open transactions or write audit entries themselves.
import type { Db } from './database.js';
import { type Actor, type AuditEntry, AuditLogRepository } from './repositories/audit-log.js';

/** Records an audit entry in the change's transaction. */
export type RecordAudit = (tenantId: string, actor: Actor, entry: AuditEntry) => Promise<void>;

/**
 * Runs `change` in a transaction with `audit` bound to it, then `afterCommit` with its result (e.g. publishing an
 * invalidation); the result is returned after both.
 */
export async function auditedChange<T>(
  db: Db,
  change: (trx: Db, audit: RecordAudit) => Promise<T>,
  afterCommit?: (result: T) => Promise<unknown>,
): Promise<T> {
  const result = await db.transaction().execute((trx) => {
    const log = new AuditLogRepository(trx);
    return change(trx, (tenantId, actor, entry) => log.record(tenantId, actor, entry));
  });
  if (afterCommit) await afterCommit(result);
  return result;
}
