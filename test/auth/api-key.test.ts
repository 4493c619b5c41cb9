import { describe, expect, it } from 'vitest';
import { API_KEY_LENGTH, generateApiKey, hashApiKey, isWellFormedApiKey, maskApiKey } from '../../src/auth/api-key.js';

describe('API key format', () => {
  it('is ps_ + 256 random bits in base62 + a checksum, hashed with SHA-256', () => {
    const key = generateApiKey();
    expect(key.secret).toMatch(/^ps_[0-9A-Za-z]{49}$/);
    expect(key.secret).toHaveLength(API_KEY_LENGTH);
    expect(key.hash).toBe(hashApiKey(key.secret));
    expect(key.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(key.last4).toBe(key.secret.slice(-4));
    expect(maskApiKey(key.last4)).toBe(`ps_…${key.last4}`);
  });

  it('rejects any single-character typo by its checksum', () => {
    const { secret } = generateApiKey();
    expect(isWellFormedApiKey(secret)).toBe(true);
    for (let i = 3; i < secret.length; i++) {
      const replacement = secret[i] === 'x' ? 'y' : 'x';
      expect(isWellFormedApiKey(secret.slice(0, i) + replacement + secret.slice(i + 1))).toBe(false);
    }
    expect(isWellFormedApiKey(secret.slice(0, -1))).toBe(false);
    expect(isWellFormedApiKey(`sk_${secret.slice(3)}`)).toBe(false);
  });

  it('never repeats', () => {
    const secrets = new Set(Array.from({ length: 1000 }, () => generateApiKey().secret));
    expect(secrets.size).toBe(1000);
  });
});
