// How API keys are shown by the API and the CLI: masked, never the secret except right after creation.
import { z } from 'zod';
import { maskApiKey } from '../../auth/api-key.js';
import { limitsView } from '../../domain/limits.js';
import type { ApiKey } from '../../store/repositories/api-keys.js';
import { isoDateTime, listOf, toIso } from './common.js';

export const environmentName = z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'must be a lower-case name such as production');

export const keyView = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(['master', 'sub']),
  maskedKey: z.string().describe('ps_… and the last 4 characters'),
  environment: z.string(),
  createdAt: isoDateTime,
  lastUsedAt: isoDateTime.nullable(),
  expiresAt: isoDateTime.nullable(),
  limits: limitsView,
  allowedModels: z.array(z.string()).nullable().describe('Models or patterns (openai/*) this key may use; null: every model'),
});

export const keyList = listOf(keyView).extend({
  maxSubKeys: z.number().int().describe('How many live sub-keys a tenant may have (SHUTTLE_MAX_SUB_KEYS)'),
});

export const allowedModels = z.array(z.string().min(1).max(256)).max(100).nullable();

export const createdKey = keyView.extend({ key: z.string().describe('The secret, shown only in this answer') });

export function toKeyView(key: ApiKey): z.infer<typeof keyView> {
  return {
    id: key.id,
    name: key.name,
    kind: key.kind,
    maskedKey: maskApiKey(key.last4),
    environment: key.environment,
    createdAt: toIso(key.createdAt),
    lastUsedAt: toIso(key.lastUsedAt),
    expiresAt: toIso(key.expiresAt),
    limits: key.limits,
    allowedModels: key.allowedModels,
  };
}
