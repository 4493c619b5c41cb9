// Prefixed random ids (`ten_…`, `key_…`, `req_…`) in base62, drawn from a pooled CSPRNG buffer.
import { randomFillSync } from 'node:crypto';

export const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

const pool = Buffer.alloc(4096);
let offset = pool.length;

function nextByte(): number {
  if (offset === pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  return pool[offset++] as number;
}

/** `length` uniformly random base62 characters (rejection sampling keeps it unbiased). */
export function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    const byte = nextByte();
    if (byte < 248) out += BASE62[byte % 62];
  }
  return out;
}

export type IdPrefix =
  | 'ten'
  | 'usr'
  | 'key'
  | 'cus'
  | 'req'
  | 'aud'
  | 'env'
  | 'prv'
  | 'rul'
  | 'flw'
  | 'run'
  | 'inv'
  | 'dlq'
  | 'mcp'
  | 'pln'
  | 'tol';

export function newId(prefix: IdPrefix): string {
  return `${prefix}_${randomBase62(20)}`;
}

/** 8 base62 digits of the time in milliseconds: enough until the year 8800, and sorting as text sorts by time. */
function timePrefix(now: number): string {
  let out = '';
  for (let i = 0, value = now; i < 8; i++, value = Math.floor(value / 62)) out = BASE62[value % 62] + out;
  return out;
}

let prefixTime = -1;
let prefix = '';

/**
 * A request id that sorts by time (`req_` + 8 time digits + 12 random): usage events are keyed by it, and keys that
 * arrive in order are appended to the index instead of landing on random pages of it.
 */
export function newRequestId(now = Date.now()): string {
  // Requests arrive several to a millisecond under load: they share the prefix, worked out once.
  if (now !== prefixTime) {
    prefixTime = now;
    prefix = `req_${timePrefix(now)}`;
  }
  return prefix + randomBase62(12);
}
