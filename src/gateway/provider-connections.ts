// A tenant's stored provider connection → the connection an adapter calls: credentials decrypted (once, when the
// tenant's configuration is loaded), default endpoints filled in from the provider table.
import type { CredentialCipher } from '../auth/credential-cipher.js';
import { PROVIDER_SPECS } from '../config/providers.js';
import type { StoredConnection } from '../store/repositories/provider-connections.js';
import type { ProviderConnection } from './providers/provider.js';

export function toProviderConnection(stored: StoredConnection, cipher: CredentialCipher): ProviderConnection {
  const { apiKey, ...secrets } = cipher.decrypt(stored.encryptedCredentials);
  return {
    id: stored.id,
    name: stored.name,
    type: stored.type,
    baseUrl: stored.baseUrl,
    apiKey,
    options: { ...stored.options, ...secrets },
  };
}

/** The endpoint a provider type uses when a connection names none (`{region}` filled from the options). */
export function defaultBaseUrl(type: string, options: Record<string, string>): string | undefined {
  const spec = PROVIDER_SPECS.find((s) => s.name === type);
  const template = spec?.settings.baseUrl.default;
  if (template === undefined) return undefined;
  return template.replace(/\{(\w+)\}/g, (_, name: string) => options[name] ?? spec?.settings[name]?.default ?? '');
}

export const PROVIDER_TYPES = PROVIDER_SPECS.map((spec) => spec.name);
