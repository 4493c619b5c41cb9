// The API key format: `ps_` + 43 base62 characters (256 random bits) + a 6-character CRC32 checksum.
// The checksum rejects a mistyped key before any lookup and lets secret scanners recognise real keys.
import { hash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { BASE62, randomBase62 } from '../store/ids.js';

const PREFIX = 'ps_';
const BODY_LENGTH = 43;
const CHECKSUM_LENGTH = 6;
export const API_KEY_LENGTH = PREFIX.length + BODY_LENGTH + CHECKSUM_LENGTH;
const SHAPE = /^ps_[0-9A-Za-z]+$/;

function checksum(body: string): string {
  let value = crc32(body);
  let out = '';
  for (let i = 0; i < CHECKSUM_LENGTH; i++) {
    out = BASE62[value % 62] + out;
    value = Math.floor(value / 62);
  }
  return out;
}

export interface NewApiKey {
  secret: string;
  hash: string;
  last4: string;
}

export function generateApiKey(): NewApiKey {
  const body = randomBase62(BODY_LENGTH);
  const secret = `${PREFIX}${body}${checksum(body)}`;
  return { secret, hash: hashApiKey(secret), last4: secret.slice(-4) };
}

/** True when the string has the shape of a Shuttle key and its checksum matches. */
export function isWellFormedApiKey(candidate: string): boolean {
  if (candidate.length !== API_KEY_LENGTH || !SHAPE.test(candidate)) return false;
  const body = candidate.slice(PREFIX.length, PREFIX.length + BODY_LENGTH);
  return checksum(body) === candidate.slice(-CHECKSUM_LENGTH);
}

export function hashApiKey(secret: string): string {
  return hash('sha256', secret, 'hex');
}

/** What lists show instead of the secret: `ps_…` and the last four characters. */
export function maskApiKey(last4: string): string {
  return `${PREFIX}…${last4}`;
}

export function looksLikeApiKey(credential: string): boolean {
  return credential.startsWith(PREFIX);
}
