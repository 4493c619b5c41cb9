// Deletes flow runs' prompts and answers, and stored responses (the Responses API's `store`), once they are older
// than their tenant's retention period (default 30 days; 0 keeps metadata only, so nothing is stored to begin
// with). Runs hourly on every instance; idempotent.
import type { Logger } from 'pino';
import { runRetentionDays } from '../gateway/tenant-config.js';
import type { FlowRunRepository } from '../store/repositories/flow-runs.js';
import type { StoredResponseRepository } from '../store/repositories/stored-responses.js';
import type { TenantRepository } from '../store/repositories/tenants.js';

const DAY_MS = 86_400_000;
const EVERY_MS = 3_600_000;

export class RunRetention {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly tenants: TenantRepository,
    private readonly runs: FlowRunRepository,
    private readonly logger: Logger,
    private readonly responses?: Pick<StoredResponseRepository, 'deleteOlderThan'>,
  ) {}

  start(): void {
    this.timer = setInterval(
      () => void this.sweep().catch((error: unknown) => this.logger.warn({ err: error }, 'run retention sweep failed')),
      EVERY_MS,
    );
    this.timer.unref();
  }

  async sweep(now = Date.now()): Promise<number> {
    let cleared = 0;
    let deleted = 0;
    for (const tenant of await this.tenants.all()) {
      // 0 days: a tenant that just switched to keeping metadata only loses the bodies it had at once.
      const days = runRetentionDays(tenant.settings);
      cleared += await this.runs.clearBodies(tenant.id, now - days * DAY_MS);
      deleted += (await this.responses?.deleteOlderThan(tenant.id, now - days * DAY_MS)) ?? 0;
    }
    if (cleared > 0) this.logger.info({ cleared }, 'deleted the prompts and answers of flow runs past their retention period');
    if (deleted > 0) this.logger.info({ deleted }, 'deleted stored responses past their retention period');
    return cleared + deleted;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
