// GET/PATCH /tenant: the tenant the credential acts in — name, limits, price overrides and limit alerts.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { hasRole } from '../../auth/roles.js';
import { cachePolicySchema, parseCachePolicy } from '../../domain/cache-policy.js';
import { limitsPatch, limitsView } from '../../domain/limits.js';
import { type RequestLogLevel, requestLogSettings } from '../../domain/request-log-entry.js';
import { runRetentionDays } from '../../gateway/tenant-config.js';
import { alertSettingsPatch, parseAlertSettings } from '../../metering/alert-settings.js';
import { priceOverrides } from '../../metering/price-overrides.js';
import type { ModelPrice } from '../../metering/prices.js';
import type { Runtime } from '../../runtime.js';
import type { Tenant } from '../../store/repositories/tenants.js';
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
  requestLog: z.object({
    level: z.enum(['full', 'metadata', 'off']).describe('full: metadata, request and answer; metadata: no bodies; off: nothing'),
    retentionDays: z.int().describe('Days entries are kept'),
  }),
  prices: z.record(z.string(), priceView).describe('This tenant’s price overrides, USD per million tokens'),
  alerts: z.object({
    webhookUrl: z.string().nullable(),
    thresholds: z.array(z.number()),
    signingSecret: z.string().nullable().describe('Signs alert payloads (x-shuttle-signature); shown to owners and admins'),
  }),
  cache: cachePolicySchema.nullable().describe('The response cache’s default for this tenant’s requests (docs/cache.md); null: off'),
  planTerms: z
    .object({
      id: z.string(),
      name: z.string(),
      allowedModels: z.array(z.string()).nullable(),
      limits: limitsView,
      maxConcurrentRequests: z.int().nullable(),
    })
    .nullable()
    .describe('The plan the server’s operators gave the tenant (docs/operators.md); null: none'),
  effectiveLimits: limitsView.describe('The limits in force: the stricter of the tenant’s own and its plan’s, field by field'),
});

/** The tenant's plan and the limits in force, as its (cached) configuration has them. */
async function planned(runtime: Runtime, tenantId: string) {
  const config = await runtime.tenantConfigs.get(tenantId);
  const plan = config.plan;
  return {
    planTerms: plan && {
      id: plan.id,
      name: plan.name,
      allowedModels: plan.allowedModels && [...plan.allowedModels],
      limits: plan.limits,
      maxConcurrentRequests: plan.maxConcurrentRequests,
    },
    effectiveLimits: config.limits,
  };
}

function view(tenant: Tenant, showSecrets: boolean, defaultLogLevel: RequestLogLevel) {
  const alerts = parseAlertSettings(tenant.settings.alerts);
  return {
    id: tenant.id,
    name: tenant.name,
    plan: tenant.plan,
    createdAt: new Date(tenant.createdAt).toISOString(),
    limits: tenant.limits,
    allowedModels: (tenant.settings.allowedModels as string[] | null | undefined) ?? null,
    runRetentionDays: runRetentionDays(tenant.settings),
    requestLog: requestLogSettings(tenant.settings, defaultLogLevel),
    prices: (tenant.settings.prices ?? {}) as Record<string, ModelPrice>,
    alerts: { ...alerts, signingSecret: showSecrets ? alerts.signingSecret : null },
    cache: parseCachePolicy(tenant.settings.cache),
  };
}

export function tenantRoutes(runtime: Runtime) {
  return async function routes(app: FastifyInstance): Promise<void> {
    const api = app.withTypeProvider<ZodTypeProvider>();

    api.get(
      '/tenant',
      { schema: { summary: 'The current tenant', tags: ['tenant'], response: { 200: tenantView } }, config: { auth: 'user' } },
      async (request) => {
        const principal = principalOf(request);
        return {
          ...view(
            await runtime.tenantSettings.get(principal.tenantId),
            principal.type === 'user' && hasRole(principal.role, 'admin'),
            runtime.config.requestLog.defaultLevel,
          ),
          ...(await planned(runtime, principal.tenantId)),
        };
      },
    );

    api.patch(
      '/tenant',
      {
        schema: {
          summary: 'Update the current tenant: name, limits, price overrides, limit alerts, request log',
          tags: ['tenant'],
          body: z
            .object({
              name: displayName.optional(),
              limits: limitsPatch.optional(),
              allowedModels: allowedModels.optional(),
              runRetentionDays: z.int().min(0).max(3650).optional(),
              prices: priceOverrides.optional(),
              alerts: alertSettingsPatch.optional(),
              cache: cachePolicySchema.nullable().optional(),
              requestLog: z
                .object({ level: z.enum(['full', 'metadata', 'off']).optional(), retentionDays: z.int().min(1).max(3650).optional() })
                .strict()
                .optional(),
            })
            .strict(),
          response: { 200: tenantView },
        },
        config: { auth: 'user', minRole: 'admin' },
      },
      async (request) => {
        const tenant = await runtime.tenantSettings.update(principalOf(request).tenantId, actorOf(request), request.body);
        return { ...view(tenant, true, runtime.config.requestLog.defaultLevel), ...(await planned(runtime, tenant.id)) };
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
