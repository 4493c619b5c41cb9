// Schemas shared by the management API: names, roles, dates, list envelopes.
import { z } from 'zod';
import { ROLES } from '../../auth/roles.js';

/** 1–64 printable characters, surrounding whitespace ignored. */
export const displayName = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters')
  .regex(/^[^\p{Cc}\p{Cf}\p{Zl}\p{Zp}]+$/u, 'must contain only printable characters');

export const role = z.enum(ROLES);

export const isoDateTime = z.string().describe('ISO 8601 date-time');

/** A password a person chooses for themselves. */
export const newPassword = z.string().min(8, 'must be at least 8 characters').max(256, 'must be at most 256 characters');

/**
 * An email address as browsers' `<input type="email">` checks it (the HTML standard's rule), so what the dashboard's
 * form takes the API takes too — including the first run's `admin@localhost`, which has no dot in its domain.
 */
export const emailAddress = z.email({ pattern: z.regexes.html5Email }).max(254);
export const email = z.string().trim().toLowerCase().pipe(emailAddress);

export function listOf<T extends z.ZodType>(item: T) {
  return z.object({ data: z.array(item), nextCursor: z.string().nullable() });
}

export function toIso(epochMs: number): string;
export function toIso(epochMs: number | null): string | null;
export function toIso(epochMs: number | null): string | null {
  return epochMs === null ? null : new Date(epochMs).toISOString();
}

export const idParams = z.object({ id: z.string().min(1).max(64) });
