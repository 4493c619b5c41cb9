// Redis connections for shared state across instances (counters, pub/sub invalidation).
import { Redis } from 'ioredis';

export type { Redis };

export interface RedisConnectionOptions {
  /**
   * How long a command may take, queued or sent, before it fails. Unset, a command waits for Redis as long as the
   * client keeps reconnecting (tests and tools only).
   */
  timeoutMs?: number;
  /**
   * Whether commands issued while disconnected wait (up to timeoutMs) for the connection, rather than failing at
   * once. The request path fails at once, and falls back; a publisher queues, so a CLI's message goes out once connected.
   */
  queueWhileDisconnected?: boolean;
}

/**
 * A client that reconnects forever in the background (ioredis's default back-off, at most 2 s apart) and, with a
 * budget, never makes a caller wait longer than it: an instance starts, and serves, while Redis is away.
 */
export function connectRedis(url: string, name: string, options: RedisConnectionOptions = {}): Redis {
  if (options.timeoutMs === undefined) {
    return new Redis(url, { connectionName: `shuttle-${name}`, maxRetriesPerRequest: 3, enableAutoPipelining: true });
  }
  return new Redis(url, {
    connectionName: `shuttle-${name}`,
    enableAutoPipelining: true,
    commandTimeout: options.timeoutMs,
    enableOfflineQueue: options.queueWhileDisconnected ?? false,
    // A command in flight when the connection drops fails rather than being sent again on reconnect: its caller has
    // already fallen back, or been answered.
    maxRetriesPerRequest: 0,
  });
}

/** Ends a connection without waiting on a Redis that may be away (QUIT would wait for its answer). */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'ready') await redis.quit().catch(() => redis.disconnect());
  else redis.disconnect();
}
