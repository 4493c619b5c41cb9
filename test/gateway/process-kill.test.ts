import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/database.js';
import { exited, runShuttle, serveShuttle } from '../helpers/cli.js';
import { DIALECTS, freshDatabase, type TestDatabase } from '../helpers/databases.js';

/** The request id of a response received whole (a 200 with its full body), or null for anything else. */
async function oneRequest(url: string, key: string, stream: boolean): Promise<string | null> {
  try {
    const response = await fetch(`${url}/api/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'mock/echo', stream, messages: [{ role: 'user', content: 'bill me exactly once' }] }),
    });
    const text = await response.text();
    if (response.status !== 200) return null;
    if (stream ? !text.endsWith('data: [DONE]\n\n') : (JSON.parse(text) as { object?: string }).object !== 'chat.completion') return null;
    return response.headers.get('x-request-id');
  } catch {
    return null; // the connection died with the server
  }
}

async function usageIds(url: string, tenantId: string): Promise<string[]> {
  const db = await openDatabase(url);
  try {
    const rows = await db.selectFrom('usage_events').select(['id']).where('tenant_id', '=', tenantId).execute();
    return rows.map((row) => row.id);
  } finally {
    await db.destroy();
  }
}

describe.each(DIALECTS)('kill -9 under load on %s', (dialect) => {
  let database: TestDatabase | undefined;

  afterEach(async () => {
    await database?.drop();
  });

  it('every response a client received whole has exactly one usage row after a restart', async () => {
    database = await freshDatabase(dialect);
    const dataDir = mkdtempSync(join(tmpdir(), 'shuttle-kill-'));
    // Events wait in memory for far longer than the test runs: without the journal, every one would be lost.
    const env = {
      DATABASE_URL: database.url,
      SHUTTLE_DATA_DIR: dataDir,
      SHUTTLE_USAGE_FLUSH_MS: '600000',
      SHUTTLE_USAGE_BATCH_SIZE: '1000000',
      SHUTTLE_MOCK_LATENCY_MS: '5',
    };
    const boot = await runShuttle(
      ['bootstrap', '--tenant', 'Kill', '--email', 'kill@test.dev', '--password', 'kill test password', '--json'],
      env,
    );
    expect(boot.code, boot.stderr).toBe(0);
    const { masterKey, tenantId } = JSON.parse(boot.stdout) as { masterKey: string; tenantId: string };

    const { child, url } = await serveShuttle(env);
    const received: string[] = [];
    let killed = false;
    const client = async (id: number) => {
      for (let i = 0; !killed; i++) {
        const requestId = await oneRequest(url, masterKey, (id + i) % 2 === 0);
        if (requestId !== null) received.push(requestId);
      }
    };
    const clients = Array.from({ length: 16 }, (_, id) => client(id));
    // Killed while busy: requests in flight, answers on their way out.
    while (received.length < 100) await new Promise((resolve) => setTimeout(resolve, 20));
    child.kill('SIGKILL');
    await exited(child);
    killed = true;
    await Promise.all(clients);

    // Nothing was written before the kill: the events are in the journal only.
    const beforeRestart = await usageIds(database.url, tenantId);
    expect(beforeRestart.filter((id) => received.includes(id)).length).toBeLessThan(received.length);
    expect(readdirSync(dataDir).some((name) => name.startsWith('usage-journal-'))).toBe(true);

    const restarted = await serveShuttle(env);
    restarted.child.kill('SIGTERM');
    expect(await exited(restarted.child)).toBe(0);

    const rows = await usageIds(database.url, tenantId);
    const stored = new Set(rows);
    expect(received.filter((id) => !stored.has(id))).toEqual([]);
    expect(rows.length).toBe(stored.size); // one row per request id
    expect(readdirSync(dataDir).filter((name) => name.startsWith('usage-journal-'))).toEqual([]);
  }, 240_000);
});
