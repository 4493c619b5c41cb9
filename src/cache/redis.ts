// Redis connections for shared state across instances (counters, pub/sub invalidation).
import { Redis } from 'ioredis';

export type { Redis };

/** A client that retries while Redis is briefly away, instead of failing requests at the first hiccup. */
export function connectRedis(url: string, name: string): Redis {
  return new Redis(url, { connectionName: `shuttle-${name}`, maxRetriesPerRequest: 3, enableAutoPipelining: true });
}
