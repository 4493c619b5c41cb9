import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/database.js';
import { exited, runShuttle, serveShuttle } from '../helpers/cli.js';
import { DIALECTS, freshDatabase, type TestDatabase } from '../helpers/databases.js';

async function oneRequest(url: string, key: string, stream: boolean): Promise<'completed' | 'refused'> {
  try {
    const response = await fetch(`${url}/api/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'mock/echo', stream, messages: [{ role: 'user', content: 'count me exactly once' }] }),
    });
    const text = await response.text();
    if (response.status !== 200) return 'refused';
    if (stream && !text.includes('data: [DONE]')) throw new Error('stream cut short');
    return 'completed';
  } catch (error) {
    if ((error as Error).message === 'stream cut short') throw error;
    return 'refused';
  }
}

describe.each(DIALECTS)('graceful stop on %s', (dialect) => {
  let database: TestDatabase | undefined;

  afterEach(async () => {
    await database?.drop();
  });

  it('SIGTERM under load leaves exactly one usage row per completed request', async () => {
    database = await freshDatabase(dialect);
    const env = { DATABASE_URL: database.url };
    const boot = await runShuttle(
      ['bootstrap', '--tenant', 'Load', '--email', 'load@test.dev', '--password', 'load test password', '--json'],
      env,
    );
    expect(boot.code, boot.stderr).toBe(0);
    const { masterKey, tenantId } = JSON.parse(boot.stdout) as { masterKey: string; tenantId: string };

    const { child, url } = await serveShuttle({ ...env, SHUTTLE_MOCK_LATENCY_MS: '30', SHUTTLE_USAGE_FLUSH_MS: '1000' }, 20_000);

    let completed = 0;
    let stopping = false;
    const worker = async (id: number) => {
      for (let i = 0; ; i++) {
        const outcome = await oneRequest(url, masterKey, (id + i) % 2 === 0);
        if (outcome === 'completed') completed++;
        else if (stopping) return;
      }
    };
    const workers = Array.from({ length: 24 }, (_, id) => worker(id));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    stopping = true;
    child.kill('SIGTERM');
    const code = await exited(child);
    await Promise.all(workers);
    expect(code).toBe(0);
    // Enough traffic that requests were in flight when the signal came (the machine may be busy: keep it modest).
    expect(completed).toBeGreaterThan(20);

    const db = await openDatabase(database.url);
    try {
      const rows = await db.selectFrom('usage_events').select(['status']).where('tenant_id', '=', tenantId).execute();
      expect(rows.filter((row) => row.status === 200)).toHaveLength(completed);
      expect(rows).toHaveLength(completed);
    } finally {
      await db.destroy();
    }
  }, 60_000);
});
