// Redis connections for shared state across instances (counters, pub/sub invalidation).
import { Redis } from 'ioredis';
import type { Logger } from 'pino';

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
  /** Where connection errors go. Without a listener ioredis writes each one to stderr, outside the JSON log. */
  logger?: Logger;
  /**
   * A subscriber that subscribes again itself on every 'ready': ioredis's own resubscription is turned off, since it
   * leaves its command's promise unhandled, and a connection that drops again at once then ends the process with an
   * unhandled rejection ("Connection is closed.", ioredis 6's event_handler).
   */
  resubscribesItself?: boolean;
}

/** Repeats of the same connection error (one per reconnection attempt) are logged at most this often. */
const ERROR_LOG_INTERVAL_MS = 10_000;

/**
 * A client that reconnects forever in the background (ioredis's default back-off, at most 2 s apart) and, with a
 * budget, never makes a caller wait longer than it: an instance starts, and serves, while Redis is away.
 */
export function connectRedis(url: string, name: string, options: RedisConnectionOptions = {}): Redis {
  const client =
    options.timeoutMs === undefined
      ? new Redis(url, { connectionName: `shuttle-${name}`, maxRetriesPerRequest: 3, enableAutoPipelining: true })
      : new Redis(url, {
          connectionName: `shuttle-${name}`,
          enableAutoPipelining: true,
          commandTimeout: options.timeoutMs,
          enableOfflineQueue: options.queueWhileDisconnected ?? false,
          // A command in flight when the connection drops fails rather than being sent again on reconnect: its caller
          // has already fallen back, or been answered.
          maxRetriesPerRequest: 0,
          autoResubscribe: !options.resubscribesItself,
        });
  logConnectionErrors(client, name, options.logger);
  return client;
}

/** Commands report their own failures; connection errors (one per reconnection attempt) go to the log, deduplicated. */
function logConnectionErrors(client: Redis, name: string, logger: Logger | undefined): void {
  let last = { message: '', at: 0 };
  client.on('error', (error: Error) => {
    const now = Date.now();
    if (error.message === last.message && now - last.at < ERROR_LOG_INTERVAL_MS) return;
    last = { message: error.message, at: now };
    logger?.warn({ err: error, redis: name }, 'redis connection error');
  });
}

/** Ends a connection without waiting on a Redis that may be away (QUIT would wait for its answer). */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'ready') await redis.quit().catch(() => redis.disconnect());
  else redis.disconnect();
}
