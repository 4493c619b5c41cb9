// Three real `shuttle serve` processes on one PostgreSQL database and one Redis behave as one gateway: request and
// cost limits are shared, a key revoked on one is refused on all, a routing rule changed on one applies on all.
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBase62 } from '../../src/store/ids.js';
import { exited, runShuttle, serveShuttle } from '../helpers/cli.js';
import { freshDatabase, REDIS_URL, type TestDatabase } from '../helpers/databases.js';
import { completion, type FakeUpstream, sendJson, startFakeOpenAi } from '../helpers/fake-openai.js';

interface Instance {
  child: ChildProcessWithoutNullStreams;
  api: string;
}

const OWNER = { email: 'scale@test.dev', password: 'scale-out test password' };
// gpt-4o-mini: $0.15 in and $0.60 out per million tokens; each answer costs 10 prompt + 100 completion tokens.
const answer = completion('ok', { usage: { prompt_tokens: 10, completion_tokens: 100, total_tokens: 110 } });

async function request(instance: Instance, method: string, path: string, auth: string, body?: unknown) {
  const response = await fetch(`${instance.api}${path}`, {
    method,
    headers: { authorization: `Bearer ${auth}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are inspected with expect(), not typed
  return { status: response.status, body: (text === '' ? null : JSON.parse(text)) as any };
}

/**
 * Invalidations arrive within milliseconds; the bound is generous for three processes on a loaded two-core machine,
 * and far below the caches' lives (the keys' ten minutes, the rules' 30 s), which alone could not pass the test.
 */
const PROPAGATION_MS = 5000;

const ask = (model: string) => ({ model, max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] });

async function eventually(check: () => Promise<boolean>, withinMs: number): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not true within ${withinMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('three shuttle serve processes on one PostgreSQL and one Redis', () => {
  let database: TestDatabase;
  let upstream: FakeUpstream;
  let instances: Instance[] = [];
  let masterKey: string;
  let token: string;

  beforeAll(async () => {
    database = await freshDatabase('postgres');
    upstream = await startFakeOpenAi((_request, res) => sendJson(res, 200, answer));
    const env = {
      DATABASE_URL: database.url,
      REDIS_URL,
      SHUTTLE_REDIS_PREFIX: `scale-${randomBase62(8)}:`,
      SHUTTLE_SECRET: 'scale-out-secret-scale-out-secret-0123456789',
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: upstream.baseUrl,
      SHUTTLE_ALLOW_PRIVATE_NETWORKS: '127.0.0.1',
      // Caches that outlive the test: only an invalidation through Redis can make an instance forget.
      SHUTTLE_KEY_CACHE_TTL_MS: '600000',
      // Shared counting must not depend on the machine's load (see test/helpers/gateway.ts).
      SHUTTLE_REDIS_TIMEOUT_MS: '2000',
    };
    const boot = await runShuttle(['bootstrap', '--tenant', 'Scale', '--email', OWNER.email, '--password', OWNER.password, '--json'], env);
    expect(boot.code, boot.stderr).toBe(0);
    masterKey = (JSON.parse(boot.stdout) as { masterKey: string }).masterKey;

    instances = await Promise.all(
      [0, 1, 2].map(async () => {
        const { child, url } = await serveShuttle(env, 90_000);
        return { child, api: `${url}/api/v1` };
      }),
    );
    const loggedIn = await fetch(`${instances[0]?.api}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(OWNER),
    });
    token = ((await loggedIn.json()) as { token: string }).token;
  }, 180_000);

  afterAll(async () => {
    await Promise.all(
      instances.map((instance) => {
        instance.child.kill('SIGTERM');
        return exited(instance.child);
      }),
    );
    await upstream?.close();
    await database?.drop();
  }, 60_000);

  const at = (i: number): Instance => instances[i % instances.length] as Instance;

  async function subKey(limits: Record<string, unknown>): Promise<{ id: string; key: string }> {
    const created = await request(at(0), 'POST', '/keys', token, { name: `key-${randomBase62(4)}` });
    expect(created.status).toBe(201);
    expect((await request(at(0), 'PATCH', `/keys/${created.body.id}`, token, { limits })).status).toBe(200);
    return { id: created.body.id, key: created.body.key };
  }

  it('a request limit counts requests on every instance together', async () => {
    const { key } = await subKey({ requestsPerMinute: 4 });
    const statuses: number[] = [];
    for (let i = 0; i < 9; i++) statuses.push((await request(at(i), 'POST', '/chat/completions', key, ask('mock/echo'))).status);
    // Counted per instance, each of the three would have let 3 of its 3 requests through.
    expect(statuses.filter((status) => status === 200)).toHaveLength(4);
    expect(statuses.filter((status) => status === 429)).toHaveLength(5);
  });

  it('a cost limit counts what every instance spent', async () => {
    // About three answers' worth ($0.0000615 each): one instance alone would allow three.
    const { key } = await subKey({ costUsd: { total: 0.0002 } });
    const statuses: number[] = [];
    for (let i = 0; i < 9; i++) statuses.push((await request(at(i), 'POST', '/chat/completions', key, ask('openai/gpt-4o-mini'))).status);
    const allowed = statuses.filter((status) => status === 200).length;
    expect(allowed).toBeGreaterThanOrEqual(2);
    expect(allowed).toBeLessThanOrEqual(3);
    expect(statuses.filter((status) => status === 402)).toHaveLength(9 - allowed);
  });

  it('a key revoked on one instance is refused on the others, long before their caches would forget it', async () => {
    const { id, key } = await subKey({});
    for (let i = 0; i < 3; i++) expect((await request(at(i), 'POST', '/chat/completions', key, ask('mock/echo'))).status).toBe(200);
    expect((await request(at(0), 'DELETE', `/keys/${id}`, token)).status).toBeLessThan(300);
    for (const i of [1, 2]) {
      await eventually(
        async () => (await request(at(i), 'POST', '/chat/completions', key, ask('mock/echo'))).status === 401,
        PROPAGATION_MS,
      );
    }
  });

  it('a routing rule changed on one instance applies on the others', async () => {
    const rule = (provider: string, model: string) => ({ environment: 'production', targets: [{ provider, model }] });
    expect((await request(at(0), 'PUT', '/routing-rules/smart', token, rule('openai', 'gpt-4o-mini'))).status).toBe(201);
    // Every instance routes "smart" to the (fake) OpenAI upstream, and caches the rule.
    for (let i = 0; i < 3; i++) {
      const before = upstream.requests.length;
      expect((await request(at(i), 'POST', '/chat/completions', masterKey, ask('smart'))).status).toBe(200);
      expect(upstream.requests.length).toBe(before + 1);
    }
    expect((await request(at(0), 'PUT', '/routing-rules/smart', token, rule('mock', 'echo'))).status).toBe(200);
    // The cached rule would live 30 s; the others route "smart" to the mock provider instead long before that.
    for (const i of [1, 2]) {
      await eventually(async () => {
        const before = upstream.requests.length;
        const answered = await request(at(i), 'POST', '/chat/completions', masterKey, ask('smart'));
        return answered.status === 200 && upstream.requests.length === before;
      }, PROPAGATION_MS);
    }
  });
});
