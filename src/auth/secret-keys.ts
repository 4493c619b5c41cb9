// Independent keys derived from the one server secret (HKDF), so that signing tokens and encrypting provider
// credentials never share key material.
import { hkdfSync } from 'node:crypto';

export type KeyPurpose = 'session-tokens' | 'credentials';

export function deriveKey(secret: string, purpose: KeyPurpose): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'shuttle', `shuttle/${purpose}/v1`, 32));
}
