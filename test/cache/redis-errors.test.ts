import { afterAll, describe, expect, it, vi } from 'vitest';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { pollUntil } from '../helpers/poll.js';
import { type OwnRedis, startOwnRedis } from '../helpers/redis-server.js';

describe('errors of the Redis connections', { timeout: 120_000 }, () => {
  let redis: OwnRedis | undefined;
  let gateway: TestGateway | undefined;
  afterAll(async () => {
    await gateway?.close();
    await redis?.close();
  });

  it('are heard and logged by every client (counters, publisher, subscriber), never left to ioredis’s stderr', async () => {
    redis = await startOwnRedis();
    gateway = await startGateway({ captureLogs: true, env: { REDIS_URL: redis.url, SHUTTLE_REDIS_PREFIX: 'errors:' } });
    const stderr = vi.spyOn(console, 'error');
    try {
      await redis.kill();
      const logged = () =>
        new Set(gateway?.logs().flatMap((line) => (line.msg === 'redis connection error' ? [line.redis as string] : [])) ?? []);
      const clients = await pollUntil(logged, (names) => names.size === 3, { withinMs: 30_000, everyMs: 50 });
      expect([...clients].sort(), 'every client logged its connection error').toEqual(['publisher', 'state', 'subscriber']);
      expect(stderr.mock.calls.filter((args) => String(args[0]).includes('[ioredis] Unhandled error event'))).toEqual([]);
      expect((await fetch(`${gateway.url}/healthz`)).status).toBe(200);
    } finally {
      stderr.mockRestore();
      // Back, so that the gateway closes its clients without waiting on reconnections.
      await redis.start();
    }
  });
});
