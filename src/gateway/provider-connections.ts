// A tenant's stored provider connection → the connection an adapter calls: credentials decrypted (once, when the
// tenant's configuration is loaded), default endpoints filled in from the provider table.
import type { CredentialCipher } from '../auth/credential-cipher.js';
import { PROVIDER_SPECS } from '../config/providers.js';
import { InvalidRequestError, ShuttleError } from '../errors/shuttle-error.js';
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

/**
 * The secrets a changed connection keeps. A secret is never sent to a host other than the one it was given for: on
 * the same origin the stored ones stay (those sent replace theirs); on a new origin only those sent with the move
 * are kept, and a move that sends none while some are stored is refused.
 */
export function secretsAfterChange(
  stored: Record<string, string>,
  sent: Record<string, string>,
  fromUrl: string,
  toUrl: string,
): Record<string, string> {
  const [from, to] = [new URL(fromUrl).origin, new URL(toUrl).origin];
  if (from === to) return { ...stored, ...sent };
  if (Object.keys(stored).length > 0 && Object.keys(sent).length === 0) {
    throw new ShuttleError('credentials_required', {
      param: 'apiKey',
      message: `Stored credentials (${Object.keys(stored).sort().join(', ')}) are never sent to another host: send them again to move the connection from ${from} to ${to}.`,
    });
  }
  return sent;
}

/** What an option filled into a default endpoint's host may be: a name like `eu-central-1`, never a URL's syntax. */
const HOST_LABELS = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/**
 * The endpoint a provider type uses when a connection names none (`{region}` filled from the options). A filled-in
 * option is checked, since it names the host: `@host/` or `host#` as a "region" would send the credentials elsewhere.
 */
export function defaultBaseUrl(type: string, options: Record<string, string>): string | undefined {
  const spec = PROVIDER_SPECS.find((s) => s.name === type);
  const template = spec?.settings.baseUrl.default;
  if (template === undefined) return undefined;
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = options[name] ?? spec?.settings[name]?.default ?? '';
    if (!HOST_LABELS.test(value)) {
      throw new InvalidRequestError(`"${value}" is not a ${name} name (lower-case letters, digits and dashes).`, `options.${name}`);
    }
    return value;
  });
}

export const PROVIDER_TYPES = PROVIDER_SPECS.map((spec) => spec.name);
