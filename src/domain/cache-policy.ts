// The response cache's settings as a tenant default (PATCH /tenant) and a routing rule's `cache` field: whether
// requests use the cache, and for how long an answer is kept (docs/cache.md).
import { z } from 'zod';

/** The longest an answer may be kept: 30 days. */
export const MAX_CACHE_TTL_SECONDS = 30 * 24 * 3600;

export const cacheTtlSeconds = z.int().min(1).max(MAX_CACHE_TTL_SECONDS);

export const cachePolicySchema = z
  .object({
    mode: z.enum(['off', 'use']).describe('use: identical requests are answered from the cache; off: never'),
    ttlSeconds: cacheTtlSeconds.optional().describe('How long an answer is kept; default SHUTTLE_CACHE_DEFAULT_TTL_SECONDS'),
  })
  .strict();

export type CachePolicy = z.infer<typeof cachePolicySchema>;

/** What a request asks of the cache: `refresh` calls the provider and stores its answer over the cached one. */
export type CacheMode = 'use' | 'refresh' | 'off';

/** A stored tenant setting, tolerating a missing or malformed document (no cache). */
export function parseCachePolicy(stored: unknown): CachePolicy | null {
  const parsed = cachePolicySchema.safeParse(stored);
  return parsed.success ? parsed.data : null;
}
