// GET/PATCH /tenant: the tenant the credential acts in — name, limits, price overrides and limit alerts.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { hasRole } from '../../auth/roles.js';
import { limitsPatch, limitsView, mergeLimits } from '../../domain/limits.js';
import { NotFoundError } from '../../errors/shuttle-error.js';
import { runRetentionDays } from '../../gateway/tenant-config.js';
import { alertSettingsPatch, parseAlertSettings } from '../../metering/alert-settings.js';
import { priceOverrides } from '../../metering/price-overrides.js';
import type { ModelPrice } from '../../metering/prices.js';
import type { Runtime } from '../../runtime.js';
import { randomBase62 } from '../../store/ids.js';
import { actorOf, principalOf } from '../request-context.js';
import { displayName, isoDateTime } from '../schemas/common.js';
import { allowedModels } from '../schemas/keys.js';

const priceView = z.object({ input: z.number(), output: z.number(), cachedInput: z.number().optional() });
const tenantView = z.object({
  id: z.string(),
  name: z.string(),
  plan: z.string(),
  createdAt: isoDateTime,
  limits: limitsView,
  runRetentionDays: z.int().describe('Days flow-run prompts and answers are kept; 0 keeps metadata only'),
  allowedModels: z
    .array(z.string())
    .nullable()
    .describe('Models or patterns (openai/*) the tenant’s keys and members may use; null: every model'),
  prices: z.record(z.string(), priceView).describe('This tenant’s price overrides, USD per million tokens'),
  alerts: z.object({
    webhookUrl: z.string().nullable(),
    thresholds: z.array(z.number()),
    signingSecret: z.string().nullable().describe('Signs alert payloads (x-shuttle-signature); shown to owners and admins'),
  }),
});

export function tenantRoutes(runtime: Runtime) {
  return async function routes(app: FastifyInstance): Promise<void> {
    const api = app.withTypeProvider<ZodTypeProvider>();

    const view = async (tenantId: string, showSecrets: boolean) => {
      const tenant = await runtime.repos.tenants.get(tenantId);
      if (!tenant) throw new NotFoundError('No such tenant.');
      const alerts = parseAlertSettings(tenant.settings.alerts);
      return {
        id: tenant.id,
        name: tenant.name,
        plan: tenant.plan,
        createdAt: new Date(tenant.createdAt).toISOString(),
        limits: tenant.limits,
        allowedModels: (tenant.settings.allowedModels as string[] | null | undefined) ?? null,
        runRetentionDays: runRetentionDays(tenant.settings),
        prices: (tenant.settings.prices ?? {}) as Record<string, ModelPrice>,
        alerts: { ...alerts, signingSecret: showSecrets ? alerts.signingSecret : null },
      };
    };

    api.get(
      '/tenant',
      { schema: { summary: 'The current tenant', tags: ['tenant'], response: { 200: tenantView } }, config: { auth: 'user' } },
      async (request) => {
        const principal = principalOf(request);
        return view(principal.tenantId, principal.type === 'user' && hasRole(principal.role, 'admin'));
      },
    );

    api.patch(
      '/tenant',
      {
        schema: {
          summary: 'Update the current tenant: name, limits, price overrides, limit alerts',
          tags: ['tenant'],
          body: z
            .object({
              name: displayName.optional(),
              limits: limitsPatch.optional(),
              allowedModels: allowedModels.optional(),
              runRetentionDays: z.int().min(0).max(3650).optional(),
              prices: priceOverrides.optional(),
              alerts: alertSettingsPatch.optional(),
            })
            .strict(),
          response: { 200: tenantView },
        },
        config: { auth: 'user', minRole: 'admin' },
      },
      async (request) => {
        const { tenantId } = principalOf(request);
        const tenant = await runtime.repos.tenants.get(tenantId);
        if (!tenant) throw new NotFoundError('No such tenant.');
        const { name, limits, prices, alerts } = request.body;
        const settings = { ...tenant.settings };
        if (request.body.allowedModels !== undefined) settings.allowedModels = request.body.allowedModels;
        if (request.body.runRetentionDays !== undefined) settings.runRetentionDays = request.body.runRetentionDays;
        if (prices) {
          const merged = { ...(settings.prices as Record<string, ModelPrice> | undefined) };
          for (const [model, price] of Object.entries(prices)) {
            if (price === null) delete merged[model];
            else merged[model] = price;
          }
          settings.prices = merged;
        }
        if (alerts) {
          if (alerts.webhookUrl) await runtime.network.assertAllowed(alerts.webhookUrl, 'alerts.webhookUrl');
          const current = parseAlertSettings(settings.alerts);
          settings.alerts = {
            webhookUrl: alerts.webhookUrl === undefined ? current.webhookUrl : alerts.webhookUrl,
            thresholds: alerts.thresholds ?? current.thresholds,
            signingSecret: current.signingSecret ?? `whsec_${randomBase62(32)}`,
          };
        }
        await runtime.repos.tenants.update(tenantId, {
          ...(name === undefined ? {} : { name }),
          settings,
          ...(limits ? { limits: mergeLimits(tenant.limits, limits) } : {}),
        });
        await runtime.bus.publish('tenant-config', tenantId);
        await runtime.repos.auditLog.record(tenantId, actorOf(request), {
          action: 'tenant.updated',
          targetType: 'tenant',
          targetId: tenantId,
          details: JSON.parse(
            JSON.stringify({
              name,
              limits,
              prices,
              allowedModels: request.body.allowedModels,
              alerts: alerts && { webhookUrl: alerts.webhookUrl, thresholds: alerts.thresholds },
            }),
          ),
        });
        return view(tenantId, true);
      },
    );

    api.get(
      '/prices',
      {
        schema: {
          summary: 'The prices this tenant is billed at: the shipped table with the deployment’s and the tenant’s overrides',
          tags: ['tenant'],
          response: {
            200: z.object({ date: z.string(), data: z.array(priceView.extend({ model: z.string(), overridden: z.boolean() })) }),
          },
        },
      },
      async (request) => {
        const config = await runtime.tenantConfigs.get(principalOf(request).tenantId);
        return {
          date: config.prices.date,
          data: config.prices.entries().map(([model, price]) => ({ model, ...price, overridden: model in config.priceOverrides })),
        };
      },
    );
  };
}
