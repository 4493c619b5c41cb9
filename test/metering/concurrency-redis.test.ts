// Concurrency limits across instances on one Redis: the slots are shared (a request in flight on one instance counts
// on the other, and its end frees a slot for both), and the slots of an instance killed with SIGKILL are reclaimed
// once their lease runs out.
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBase62 } from '../../src/store/ids.js';
import { call, login } from '../helpers/api.js';
import { exited, serveShuttle } from '../helpers/cli.js';
import { REDIS_URL } from '../helpers/databases.js';
import { chunk, defaultHandler, type FakeUpstream, sendEvent, startFakeOpenAi, startSse } from '../helpers/fake-openai.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { pollUntil } from '../helpers/poll.js';
import { startOwnRedis } from '../helpers/redis-server.js';

const HOLD = 'hold';
/** Short, so that a dead instance's slots come back within the test; renewed every third of it while requests run. */
const LEASE_MS = 3000;

describe('concurrency limits on several instances sharing Redis', () => {
  let upstream: FakeUpstream;
  let a: TestGateway;
  let b: TestGateway;
  let token: string;
  const held: ServerResponse[] = [];
  const env = {
    REDIS_URL,
    SHUTTLE_REDIS_PREFIX: `test-${randomBase62(8)}:`,
    SHUTTLE_CONCURRENCY_LEASE_MS: String(LEASE_MS),
    OPENAI_API_KEY: 'sk-test',
    OPENAI_BASE_URL: '',
  };

  beforeAll(async () => {
    upstream = await startFakeOpenAi((request, res) => {
      const messages = request.body.messages as Array<{ content: string }> | undefined;
      if (messages?.[0]?.content !== HOLD) return defaultHandler(request, res);
      startSse(res);
      sendEvent(res, chunk({ role: 'assistant', content: '' }));
      held.push(res);
    });
    env.OPENAI_BASE_URL = upstream.baseUrl;
    a = await startGateway({ dialect: 'postgres', env });
    b = await startGateway({ dialect: 'postgres', env, sharing: a });
    token = await login(a);
    await call(a, 'PATCH', '/tenant', { auth: token, body: { limits: { concurrentRequests: 2 } } });
  });

  afterAll(async () => {
    for (const res of held) res.destroy();
    await b?.close();
    await a?.close();
    await upstream?.close();
  });

  const holdStream = async (on: { api: string }) => {
    const before = held.length;
    const response = await fetch(`${on.api}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${a.masterKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'openai/gpt-4o-mini', stream: true, messages: [{ role: 'user', content: HOLD }] }),
    });
    expect(response.status).toBe(200);
    const res = held[before] as ServerResponse;
    return {
      finish: async () => {
        sendEvent(res, chunk({ content: 'done' }, 'stop'));
        res.end('data: [DONE]\n\n');
        return response.text();
      },
    };
  };

  const probe = async (on: { api: string }) =>
    (
      await fetch(`${on.api}/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${a.masterKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'quick' }] }),
      })
    ).status;

  it('counts the requests in flight on every instance against one limit, and frees a slot for all when one ends', async () => {
    // The limit set on A reaches B's cached configuration through the invalidation bus.
    const onA = await holdStream(a);
    expect(
      await pollUntil(
        () => probe(b),
        (status) => status === 200,
        { withinMs: 2000 },
      ),
    ).toBe(200);
    const onB = await holdStream(b);
    expect(await probe(a), 'A let a third request in while A and B each ran one').toBe(429);
    expect(await probe(b), 'B let a third request in while A and B each ran one').toBe(429);
    await onA.finish();
    expect(
      await pollUntil(
        () => probe(b),
        (status) => status === 200,
        { withinMs: 5000 },
      ),
      'the slot freed on A did not come back for B',
    ).toBe(200);
    await onB.finish();
  });

  it('reclaims the slots of an instance killed with SIGKILL once their lease has run out', async () => {
    let child: ChildProcessWithoutNullStreams | undefined;
    try {
      const served = await serveShuttle({ ...env, DATABASE_URL: a.database.url });
      child = served.child;
      const onChild = { api: `${served.url}/api/v1` };
      await holdStream(onChild);
      await holdStream(onChild);
      expect(await probe(a), 'A let a request in beside the two the other instance runs').toBe(429);
      child.kill('SIGKILL');
      await exited(child);
      // Its slots hold until their lease runs out (the last renewal was at most a third of the lease ago)...
      expect(await probe(a), 'the dead instance’s slots were freed before their lease ran out').toBe(429);
      // ...then the next request finds them expired.
      expect(
        await pollUntil(
          () => probe(a),
          (status) => status === 200,
          { withinMs: 3 * LEASE_MS },
        ),
        'the slots of the killed instance were never reclaimed',
      ).toBe(200);
    } finally {
      if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  }, 120_000);
});

describe('concurrency limits while Redis is away', () => {
  it('counts the requests in flight on each instance in its own memory, and gives their slots back there', async () => {
    const redis = await startOwnRedis();
    const held: ServerResponse[] = [];
    const upstream = await startFakeOpenAi((request, res) => {
      const messages = request.body.messages as Array<{ content: string }> | undefined;
      if (messages?.[0]?.content !== HOLD) return defaultHandler(request, res);
      startSse(res);
      sendEvent(res, chunk({ role: 'assistant', content: '' }));
      held.push(res);
    });
    const gateway = await startGateway({
      env: { REDIS_URL: redis.url, SHUTTLE_REDIS_TIMEOUT_MS: '500', OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: upstream.baseUrl },
    });
    try {
      const token = await login(gateway);
      await call(gateway, 'PATCH', '/tenant', { auth: token, body: { limits: { concurrentRequests: 1 } } });
      await redis.kill();
      const ask = (content: string, stream: boolean) =>
        fetch(`${gateway.api}/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${gateway.masterKey}`, 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'openai/gpt-4o-mini', stream, messages: [{ role: 'user', content }] }),
        });
      const busy = await ask(HOLD, true);
      expect(busy.status).toBe(200);
      const refused = await ask('quick', false);
      expect(refused.status, 'a second request was let in beside the one in flight while Redis was away').toBe(429);
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('concurrency_limit_exceeded');
      const res = held[0] as ServerResponse;
      sendEvent(res, chunk({ content: 'done' }, 'stop'));
      res.end('data: [DONE]\n\n');
      await busy.text();
      expect(
        await pollUntil(
          async () => (await ask('quick', false)).status,
          (status) => status === 200,
          { withinMs: 5000 },
        ),
        'the slot taken in memory was not given back',
      ).toBe(200);
    } finally {
      for (const res of held) res.destroy();
      await gateway.close();
      await upstream.close();
      await redis.close();
    }
  }, 60_000);
});
