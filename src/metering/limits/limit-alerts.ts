// Soft thresholds: when spend crosses a fraction of a cost limit (80% and 100% by default), the tenant's webhook is
// called once per budget period — across instances, since the database records which alerts were sent. Payloads are
// signed like Stripe's: `x-shuttle-signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`. The URL is the
// tenant's: it is sent through the tenants' address-checked dispatcher, and a redirect is not followed.
import { createHmac } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { Agent, type Dispatcher, fetch } from 'undici';
import { NO_PRIVATE_NETWORKS } from '../../config/private-networks.js';
import { AddressPolicy, AddressRefusedError } from '../../network/address-policy.js';
import { guardedConnector } from '../../network/guarded-connector.js';
import type { Db } from '../../store/database.js';
import type { AlertSettings } from '../alert-settings.js';
import { microsToUsd } from '../price-table.js';
import type { LimitBudget } from './limit-budget.js';

export interface LimitCrossing {
  tenantId: string;
  budget: LimitBudget;
  threshold: number;
  spentMicros: number;
}

export function signPayload(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export class LimitAlerts {
  constructor(
    private readonly db: Db,
    private readonly logger: Logger,
    private readonly dispatcher: Dispatcher = new Agent({ connect: guardedConnector(new AddressPolicy(NO_PRIVATE_NETWORKS)) }),
  ) {}

  /** Thresholds crossed by a settlement that moved spend from `before` to `after`. */
  crossings(settings: AlertSettings, budget: LimitBudget, beforeMicros: number, afterMicros: number): number[] {
    if (settings.webhookUrl === null) return [];
    return settings.thresholds.filter((t) => beforeMicros < t * budget.limitMicros && afterMicros >= t * budget.limitMicros);
  }

  async notify(settings: AlertSettings, crossing: LimitCrossing): Promise<void> {
    const { budget } = crossing;
    const inserted = await this.db
      .insertInto('limit_alerts')
      .values({
        tenant_id: crossing.tenantId,
        scope: budget.scope,
        scope_id: budget.scopeId,
        period: budget.period,
        bucket: budget.bucket,
        threshold: String(crossing.threshold),
        created_at: Date.now(),
      })
      .onConflict((oc) => oc.doNothing())
      .returning('tenant_id')
      .execute();
    if (inserted.length === 0 || settings.webhookUrl === null || settings.signingSecret === null) return;
    const body = JSON.stringify({
      type: crossing.threshold >= 1 ? 'limit.reached' : 'limit.threshold_crossed',
      tenantId: crossing.tenantId,
      scope: budget.scope,
      scopeId: budget.scopeId,
      subject: budget.label,
      period: budget.period,
      periodBucket: budget.bucket,
      threshold: crossing.threshold,
      limitUsd: microsToUsd(budget.limitMicros),
      spentUsd: microsToUsd(crossing.spentMicros),
      at: new Date().toISOString(),
    });
    await this.deliver(settings.webhookUrl, settings.signingSecret, body);
  }

  private async deliver(url: string, secret: string, body: string): Promise<void> {
    for (let attempt = 1; attempt <= 3; attempt++) {
      try {
        const timestamp = Math.floor(Date.now() / 1000);
        const response = await fetch(url, {
          dispatcher: this.dispatcher,
          redirect: 'manual',
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-shuttle-signature': signPayload(secret, timestamp, body),
            'user-agent': 'Shuttle-Webhooks/1',
          },
          body,
          signal: AbortSignal.timeout(10_000),
        });
        await response.body?.cancel();
        if (response.ok) return;
        if (response.status >= 300 && response.status < 400) {
          this.logger.warn({ status: response.status }, 'limit alert webhook answered with a redirect, which is not followed');
          return;
        }
        this.logger.warn({ status: response.status, attempt }, 'limit alert webhook refused');
      } catch (error) {
        if ((error as { cause?: unknown }).cause instanceof AddressRefusedError) {
          this.logger.error('limit alert webhook not sent: its host resolves to an address tenants may not reach');
          return;
        }
        this.logger.warn({ err: error, attempt }, 'limit alert webhook failed');
      }
      await sleep(500 * 4 ** (attempt - 1));
    }
    this.logger.error('limit alert webhook gave up after 3 attempts');
  }
}
