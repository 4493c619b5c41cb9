// Bearer ps_… → {tenant, key, environment}. Malformed keys are refused before any lookup; a warm cache answers
// without touching the database; revocation invalidates the cache entry at once.
import type { InvalidationBus } from '../cache/invalidation-bus.js';
import { LoadingCache } from '../cache/loading-cache.js';
import { AuthenticationError, ShuttleError } from '../errors/shuttle-error.js';
import type { LastUsedTracker } from '../store/last-used-tracker.js';
import type { ApiKey, ApiKeyRepository } from '../store/repositories/api-keys.js';
import { API_KEY_LENGTH, hashApiKey, isWellFormedApiKey } from './api-key.js';
import type { KeyPrincipal } from './principal.js';

/**
 * Cached per key and shared by its requests, so authentication allocates nothing on a warm cache. A suspended
 * tenant's keys are cached as such: suspending and resuming forget every key of the tenant (through the bus).
 */
export type AuthenticatedKey = Readonly<KeyPrincipal> & { readonly expiresAt: number | null; readonly tenantSuspended: boolean };

const UNKNOWN = Symbol('unknown key');
type CacheEntry = AuthenticatedKey | typeof UNKNOWN;

// An unknown (but well-formed) key is remembered briefly so that a client retrying a bad key cannot load the database.
const UNKNOWN_TTL_MS = 5_000;

export interface KeyAuthenticatorOptions {
  ttlMs: number;
  maxEntries?: number;
}

export class KeyAuthenticator {
  private readonly cache: LoadingCache<CacheEntry>;

  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly lastUsed: LastUsedTracker,
    bus: InvalidationBus,
    options: KeyAuthenticatorOptions,
  ) {
    this.cache = new LoadingCache<CacheEntry>({
      max: options.maxEntries ?? 100_000,
      ttlMs: options.ttlMs,
      ttlFor: (entry) => (entry === UNKNOWN ? UNKNOWN_TTL_MS : undefined),
    });
    bus.subscribe('api-key', (hash) => this.forget(hash));
    bus.onResync(() => this.cache.clear());
  }

  async authenticate(secret: string): Promise<AuthenticatedKey> {
    if (!isWellFormedApiKey(secret)) throw new AuthenticationError('invalid_api_key');
    const hash = hashApiKey(secret);
    const entry = this.cache.peek(hash) ?? (await this.cache.get(hash, () => this.load(hash)));
    if (entry === UNKNOWN) throw new AuthenticationError('invalid_api_key');
    const now = Date.now();
    if (entry.expiresAt !== null && entry.expiresAt <= now) {
      throw new AuthenticationError('invalid_api_key', { message: 'This API key has expired.' });
    }
    if (entry.tenantSuspended) throw new ShuttleError('tenant_suspended');
    this.lastUsed.record(entry.tenantId, entry.keyId, now);
    return entry;
  }

  /**
   * The live key a secret belongs to when the cache knows it, else undefined: then authenticate() says why not. A hit
   * needs no check of the secret's shape or checksum, since only a real key's secret hashes to a cached key's hash.
   */
  cached(secret: string): AuthenticatedKey | undefined {
    if (secret.length !== API_KEY_LENGTH) return undefined;
    const entry = this.cache.peek(hashApiKey(secret));
    if (entry === undefined || entry === UNKNOWN) return undefined;
    const now = Date.now();
    if ((entry.expiresAt !== null && entry.expiresAt <= now) || entry.tenantSuspended) return undefined;
    this.lastUsed.record(entry.tenantId, entry.keyId, now);
    return entry;
  }

  /** Forgets a key (after revocation or regeneration) so the next request with it is checked against the store. */
  forget(hash: string): void {
    this.cache.forget(hash);
  }

  private async load(hash: string): Promise<CacheEntry> {
    const key = await this.keys.findLiveByHash(hash);
    return key ? toAuthenticated(key) : UNKNOWN;
  }
}

function toAuthenticated(key: ApiKey & { tenantSuspended: boolean }): AuthenticatedKey {
  return Object.freeze({
    type: 'key' as const,
    keyId: key.id,
    tenantId: key.tenantId,
    keyKind: key.kind,
    environment: key.environment,
    expiresAt: key.expiresAt,
    name: key.name,
    limits: key.limits,
    allowedModels: key.allowedModels,
    tenantSuspended: key.tenantSuspended,
  });
}
