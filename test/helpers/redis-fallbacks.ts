// RedisFallbacks for the counters' shared test suites: one on the shared Redis (answering), one on a port where
// nothing listens (Redis away), so that each fallback back end runs the same suite as memory and Redis.
import { connectRedis, type Redis } from '../../src/cache/redis.js';
import { type RedisFailureMode, RedisFallback } from '../../src/cache/redis-fallback.js';
import { createLogger } from '../../src/config/logger.js';
import { REDIS_URL } from './databases.js';
import { freePort } from './free-port.js';

export interface TestFallbacks {
  /** The shared Redis, connected. */
  redis: Redis;
  answering: RedisFallback;
  away(mode?: RedisFailureMode): RedisFallback;
  close(): void;
}

/** A budget generous for a loaded machine: these suites test what is counted, not how fast. */
const BUDGET_MS = 2000;

export async function testFallbacks(): Promise<TestFallbacks> {
  const logger = createLogger('silent');
  const redis = connectRedis(REDIS_URL, 'test-fallback', { timeoutMs: 5000 });
  const nowhere = connectRedis(`redis://127.0.0.1:${await freePort()}`, 'test-away', { timeoutMs: 5000 });
  nowhere.on('error', () => undefined);
  if (redis.status !== 'ready') await new Promise((resolve) => redis.once('ready', resolve));
  return {
    redis,
    answering: new RedisFallback(redis, 'local', BUDGET_MS, logger),
    away: (mode = 'local') => new RedisFallback(nowhere, mode, BUDGET_MS, logger),
    close() {
      redis.disconnect();
      nowhere.disconnect();
    },
  };
}
