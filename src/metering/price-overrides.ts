// Price overrides: validated the same way whether they come from a deployment's JSON file or a tenant's settings.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from '../config/config.js';
import type { ModelPrice } from './prices.js';

const price = z.object({ input: z.number().min(0), output: z.number().min(0), cachedInput: z.number().min(0).optional() }).strict();

export const priceOverrides = z
  .record(z.string().regex(/^[a-z0-9-]+\/.+$/, 'must be provider/model'), price.nullable())
  .describe('USD per million tokens, keyed by provider/model; null removes an override');

export function loadPriceFile(path: string | undefined): Record<string, ModelPrice> {
  if (path === undefined) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError([`SHUTTLE_PRICES_FILE: cannot read ${path}: ${(error as Error).message}`]);
  }
  const result = z.record(z.string(), price).safeParse(parsed);
  if (!result.success)
    throw new ConfigError([`SHUTTLE_PRICES_FILE: ${result.error.issues[0]?.path.join('.')}: ${result.error.issues[0]?.message}`]);
  return result.data;
}
