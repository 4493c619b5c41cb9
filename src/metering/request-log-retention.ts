// Deletes request log entries older than their tenant's retention (default 30 days), then the blocks of their bodies,
// in bounded batches so that no single statement holds the database for long. Runs every few minutes on every
// instance; idempotent.
import type { Logger } from 'pino';
import { type RequestLogLevel, requestLogSettings } from '../domain/request-log-entry.js';
import type { RequestLogRepository } from '../store/repositories/request-log.js';
import type { TenantRepository } from '../store/repositories/tenants.js';

const DAY_MS = 86_400_000;
const EVERY_MS = 10 * 60_000;
/** Entries deleted per statement. */
const BATCH = 1000;
/** Statements per tenant per sweep: what is left waits for the next sweep, so one tenant cannot hold it up. */
const MAX_BATCHES = 50;

export class RequestLogRetention {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly tenants: Pick<TenantRepository, 'all'>,
    private readonly entries: Pick<RequestLogRepository, 'deleteOlderThan' | 'deleteBlocksOlderThan'>,
    private readonly defaultLevel: RequestLogLevel,
    private readonly logger: Logger,
    private readonly batch = BATCH,
  ) {}

  start(): void {
    this.timer = setInterval(
      () => void this.sweep().catch((error: unknown) => this.logger.warn({ err: error }, 'request log retention sweep failed')),
      EVERY_MS,
    );
    this.timer.unref();
  }

  /** Deletes what has expired; answers how many entries. */
  async sweep(now = Date.now()): Promise<number> {
    let deleted = 0;
    for (const tenant of await this.tenants.all()) {
      const { retentionDays } = requestLogSettings(tenant.settings, this.defaultLevel);
      const before = now - retentionDays * DAY_MS;
      for (let i = 0; i < MAX_BATCHES; i++) {
        const count = await this.entries.deleteOlderThan(tenant.id, before, this.batch);
        deleted += count;
        if (count < this.batch) break;
      }
      // A block is as old as its newest entry: one past the retention holds expired bodies only.
      for (let i = 0; i < MAX_BATCHES; i++) {
        if ((await this.entries.deleteBlocksOlderThan(tenant.id, before, this.batch)) < this.batch) break;
      }
    }
    if (deleted > 0) this.logger.info({ deleted }, 'deleted request log entries past their retention period');
    return deleted;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
