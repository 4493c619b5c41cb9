// A tenant's own settings, changed by its admins: name, limits, allowed models, run retention, price overrides and
// limit alerts. A change and its audit entry are written together; every instance then reloads the tenant's config.
import type { z } from 'zod';
import type { InvalidationBus } from '../cache/invalidation-bus.js';
import { type LimitsPatch, mergeLimits } from '../domain/limits.js';
import type { RequestLogLevel } from '../domain/request-log-entry.js';
import { NotFoundError } from '../errors/shuttle-error.js';
import type { AddressPolicy } from '../network/address-policy.js';
import { auditedChange } from '../store/audited-change.js';
import type { Db } from '../store/database.js';
import { randomBase62 } from '../store/ids.js';
import type { Actor } from '../store/repositories/audit-log.js';
import { type Tenant, TenantRepository } from '../store/repositories/tenants.js';
import { type alertSettingsPatch, parseAlertSettings } from './alert-settings.js';
import type { ModelPrice } from './prices.js';

/** What PATCH /tenant may change; absent parts stay as they are, a price of null removes that override. */
export interface TenantSettingsPatch {
  name?: string | undefined;
  limits?: LimitsPatch | undefined;
  allowedModels?: string[] | null | undefined;
  runRetentionDays?: number | undefined;
  prices?: Record<string, ModelPrice | null> | undefined;
  alerts?: z.infer<typeof alertSettingsPatch> | undefined;
  /** Absent parts keep their value. */
  requestLog?: { level?: RequestLogLevel | undefined; retentionDays?: number | undefined } | undefined;
}

export class TenantSettings {
  constructor(
    private readonly db: Db,
    private readonly bus: InvalidationBus,
    private readonly network: Pick<AddressPolicy, 'assertAllowed'>,
  ) {}

  async get(tenantId: string): Promise<Tenant> {
    return found(await new TenantRepository(this.db).get(tenantId));
  }

  /** A webhook URL is checked against the address policy before anything is written. */
  async update(tenantId: string, actor: Actor, patch: TenantSettingsPatch): Promise<Tenant> {
    const { name, limits, allowedModels, runRetentionDays, prices, alerts, requestLog } = patch;
    if (alerts?.webhookUrl) await this.network.assertAllowed(alerts.webhookUrl, 'alerts.webhookUrl');
    return auditedChange(
      this.db,
      async (trx, audit) => {
        const tenants = new TenantRepository(trx);
        await tenants.lock(tenantId);
        const tenant = found(await tenants.get(tenantId));
        const settings = { ...tenant.settings };
        if (allowedModels !== undefined) settings.allowedModels = allowedModels;
        if (runRetentionDays !== undefined) settings.runRetentionDays = runRetentionDays;
        if (requestLog) settings.requestLog = { ...(settings.requestLog as object | undefined), ...definedParts(requestLog) };
        if (prices) settings.prices = mergePrices(settings.prices as Record<string, ModelPrice> | undefined, prices);
        if (alerts) {
          const current = parseAlertSettings(settings.alerts);
          settings.alerts = {
            webhookUrl: alerts.webhookUrl === undefined ? current.webhookUrl : alerts.webhookUrl,
            thresholds: alerts.thresholds ?? current.thresholds,
            signingSecret: current.signingSecret ?? `whsec_${randomBase62(32)}`,
          };
        }
        await tenants.update(tenantId, {
          ...(name === undefined ? {} : { name }),
          settings,
          ...(limits ? { limits: mergeLimits(tenant.limits, limits) } : {}),
        });
        await audit(tenantId, actor, {
          action: 'tenant.updated',
          targetType: 'tenant',
          targetId: tenantId,
          // Through JSON, so that parts not given are left out of the entry.
          details: JSON.parse(
            JSON.stringify({
              name,
              limits,
              prices,
              allowedModels,
              requestLog,
              alerts: alerts && { webhookUrl: alerts.webhookUrl, thresholds: alerts.thresholds },
            }),
          ),
        });
        return found(await tenants.get(tenantId));
      },
      () => this.bus.publish('tenant-config', tenantId),
    );
  }
}

function definedParts<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, part]) => part !== undefined)) as Partial<T>;
}

function found(tenant: Tenant | undefined): Tenant {
  if (!tenant) throw new NotFoundError('No such tenant.');
  return tenant;
}

function mergePrices(current: Record<string, ModelPrice> | undefined, patch: Record<string, ModelPrice | null>) {
  const merged = { ...current };
  for (const [model, price] of Object.entries(patch)) {
    if (price === null) delete merged[model];
    else merged[model] = price;
  }
  return merged;
}
