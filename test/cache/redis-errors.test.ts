import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { startGateway, type TestGateway } from '../helpers/gateway.js';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A redis-server of the test's own, on a free port, without persistence: killing it touches nothing shared. */
async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'pipe',
  });
  await new Promise<void>((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (data) => {
      output += data;
      if (output.includes('Ready to accept connections')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${output}`)));
  });
  return child;
}

async function until(check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('errors of the Redis connections', { timeout: 120_000 }, () => {
  let redis: ChildProcess | undefined;
  let gateway: TestGateway | undefined;
  afterAll(async () => {
    await gateway?.close();
    redis?.kill('SIGKILL');
  });

  it('are heard and logged by every client (counters, publisher, subscriber), never left to ioredis’s stderr', async () => {
    const port = await freePort();
    redis = await startRedis(port);
    gateway = await startGateway({ captureLogs: true, env: { REDIS_URL: `redis://127.0.0.1:${port}`, SHUTTLE_REDIS_PREFIX: 'errors:' } });
    const stderr = vi.spyOn(console, 'error');
    try {
      const killed = redis;
      await new Promise((resolve) => {
        killed.once('exit', resolve);
        killed.kill('SIGKILL');
      });
      const logged = () =>
        new Set(gateway?.logs().flatMap((line) => (line.msg === 'redis connection error' ? [line.redis as string] : [])) ?? []);
      await until(() => logged().size === 3);
      expect([...logged()].sort()).toEqual(['publisher', 'state', 'subscriber']);
      expect(stderr.mock.calls.filter((args) => String(args[0]).includes('[ioredis] Unhandled error event'))).toEqual([]);
      expect((await fetch(`${gateway.url}/healthz`)).status).toBe(200);
    } finally {
      stderr.mockRestore();
      // Back, so that the gateway closes its clients without waiting on reconnections.
      redis = await startRedis(port);
    }
  });
});
