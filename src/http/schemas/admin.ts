// What the operators' API (/api/v1/admin, docs/operators.md) shows of tenants and plans.
import { z } from 'zod';
import type { AdministeredTenant } from '../../auth/tenant-administration.js';
import { limitsPatch, limitsView } from '../../domain/limits.js';
import type { Plan } from '../../store/repositories/plans.js';
import { displayName, isoDateTime, toIso } from './common.js';
import { allowedModels } from './keys.js';

const modelPattern = z.string().min(1).max(256);

export const modelMultipliers = z
  .record(modelPattern, z.number().positive().max(1000))
  .refine((multipliers) => Object.keys(multipliers).length <= 200, 'may name at most 200 models')
  .describe('"provider/model" (or "*", every other model) → factor applied to the provider’s cost; absent models bill at 1');

const maxConcurrentRequests = z
  .int()
  .positive()
  .max(1_000_000)
  .nullable()
  .describe('Requests of one tenant in flight at once; null: no cap');

export const planView = z.object({
  id: z.string(),
  name: z.string(),
  allowedModels: z.array(z.string()).nullable().describe('Models or patterns (openai/*) the plan allows; null: every model'),
  limits: limitsView,
  maxConcurrentRequests: z.int().nullable(),
  modelMultipliers: z.record(z.string(), z.number()),
  createdAt: isoDateTime,
  updatedAt: isoDateTime,
});

export const planCreate = z
  .object({
    name: displayName,
    allowedModels: allowedModels.optional(),
    limits: limitsPatch.optional(),
    maxConcurrentRequests: maxConcurrentRequests.optional(),
    modelMultipliers: modelMultipliers.optional(),
  })
  .strict();

export const planPatch = planCreate.partial().strict();

export function toPlanView(plan: Plan): z.infer<typeof planView> {
  return {
    id: plan.id,
    name: plan.name,
    allowedModels: plan.allowedModels === null ? null : [...plan.allowedModels],
    limits: plan.limits,
    maxConcurrentRequests: plan.maxConcurrentRequests,
    modelMultipliers: { ...plan.modelMultipliers },
    createdAt: toIso(plan.createdAt),
    updatedAt: toIso(plan.updatedAt),
  };
}

export const adminTenantView = z.object({
  id: z.string(),
  name: z.string(),
  planId: z.string().nullable().describe('The plan an operator gave the tenant; null: none'),
  suspended: z.boolean(),
  suspendedAt: isoDateTime.nullable(),
  createdAt: isoDateTime,
  owners: z.int().describe('Members with the owner role'),
  month: z.object({
    requests: z.int().describe('Requests this calendar month (UTC)'),
    costUsd: z.number().describe('Provider cost this calendar month (UTC), US dollars'),
  }),
});

export function toAdminTenantView(tenant: AdministeredTenant): z.infer<typeof adminTenantView> {
  return {
    id: tenant.id,
    name: tenant.name,
    planId: tenant.planId,
    suspended: tenant.suspendedAt !== null,
    suspendedAt: toIso(tenant.suspendedAt),
    createdAt: toIso(tenant.createdAt),
    owners: tenant.owners,
    month: { requests: tenant.month.requests, costUsd: tenant.month.costMicros / 1e6 },
  };
}

export const planId = z.string().min(1).max(64);
