// Encrypts provider credentials at rest with AES-256-GCM, under a key derived from the server secret. The stored form
// is `v1.<iv>.<tag>.<ciphertext>` (base64url), so the scheme can change without ambiguity.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { deriveKey } from './secret-keys.js';

export class CredentialCipher {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = deriveKey(secret, 'credentials');
  }

  encrypt(credentials: Record<string, string>): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const ciphertext = Buffer.concat([cipher.update(JSON.stringify(credentials), 'utf8'), cipher.final()]);
    return ['v1', iv, cipher.getAuthTag(), ciphertext]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join('.');
  }

  /** Throws when the value was not encrypted with this server's secret (or was tampered with). */
  decrypt(stored: string): Record<string, string> {
    const [version, iv, tag, ciphertext] = stored.split('.');
    if (version !== 'v1' || !iv || !tag || ciphertext === undefined) throw new Error('unrecognised credential format');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    const plaintext = Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
    return JSON.parse(plaintext) as Record<string, string>;
  }
}
