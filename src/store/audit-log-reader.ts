// Reading a tenant's audit log, newest first; entries are written only with their change (audited-change.ts).
import type { Db } from './database.js';
import { AuditLogRepository, type AuditPage } from './repositories/audit-log.js';

export interface AuditQuery {
  limit: number;
  /** The `nextCursor` of the previous page. */
  cursor?: string | undefined;
  /** Only entries of this action, e.g. `key.created`. */
  action?: string | undefined;
}

export class AuditLogReader {
  private readonly entries: AuditLogRepository;

  constructor(db: Db) {
    this.entries = new AuditLogRepository(db);
  }

  page(tenantId: string, query: AuditQuery): Promise<AuditPage> {
    return this.entries.list(tenantId, query);
  }
}
