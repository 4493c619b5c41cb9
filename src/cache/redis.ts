// Redis connections for shared state across instances (counters, pub/sub invalidation).
import { Redis } from 'ioredis';
import type { Logger } from 'pino';

export type { Redis };

/** Repeats of the same connection error (one per reconnection attempt) are logged at most this often. */
const ERROR_LOG_INTERVAL_MS = 10_000;

/**
 * A client that retries while Redis is briefly away, instead of failing requests at the first hiccup. Its connection
 * errors go to the log: commands report their own failures, and without a listener ioredis writes each one to stderr
 * outside the JSON log, once per reconnection attempt.
 */
export function connectRedis(url: string, name: string, logger?: Logger): Redis {
  const client = new Redis(url, { connectionName: `shuttle-${name}`, maxRetriesPerRequest: 3, enableAutoPipelining: true });
  let last = { message: '', at: 0 };
  client.on('error', (error: Error) => {
    const now = Date.now();
    if (error.message === last.message && now - last.at < ERROR_LOG_INTERVAL_MS) return;
    last = { message: error.message, at: now };
    logger?.warn({ err: error, redis: name }, 'redis connection error');
  });
  return client;
}
