// Request log entries are never lost at shutdown: with the database out of reach they are spilled to the data
// directory, and the next start writes them, bodies included.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { exited, runShuttle, serveShuttle } from '../helpers/cli.js';
import { freshDatabase, type TestDatabase } from '../helpers/databases.js';
import { pollUntil } from '../helpers/poll.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';

describe('request log entries at a shutdown with the database out of reach', { timeout: 120_000 }, () => {
  let database: TestDatabase | undefined;
  let proxy: TcpProxy | undefined;
  let dataDir: string | undefined;
  afterEach(async () => {
    await proxy?.close();
    await database?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('are spilled to disk, and written with their bodies at the next start', async () => {
    database = await freshDatabase('postgres');
    dataDir = mkdtempSync(join(tmpdir(), 'shuttle-data-'));
    const bootstrap = await runShuttle(
      ['bootstrap', '--tenant', 'Acme', '--email', 'ops@acme.test', '--password', 'a long password', '--json'],
      {
        DATABASE_URL: database.url,
      },
    );
    expect(bootstrap.code, bootstrap.stderr).toBe(0);
    const { masterKey } = JSON.parse(bootstrap.stdout) as { masterKey: string };
    const headers = { authorization: `Bearer ${masterKey}`, 'content-type': 'application/json' };
    proxy = await startTcpProxy('127.0.0.1', 5432);
    const first = await serveShuttle({
      DATABASE_URL: database.url.replace('127.0.0.1:5432', `127.0.0.1:${proxy.port}`),
      SHUTTLE_DATA_DIR: dataDir,
      SHUTTLE_SHUTDOWN_TIMEOUT_MS: '1500',
    });
    const chat = async (content: string) => {
      const response = await fetch(`${first.url}/api/v1/chat/completions`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ model: 'mock/echo', messages: [{ role: 'user', content }] }),
      });
      expect(response.status).toBe(200);
      return response.headers.get('x-request-id') as string;
    };
    await chat('warm the caches');
    proxy.cut();
    const ids = [await chat('spilled one'), await chat('spilled two'), await chat('spilled three')];
    first.child.kill('SIGTERM');
    expect(await exited(first.child)).toBe(0);
    const spills = readdirSync(dataDir).filter((name) => name.startsWith('request-log-spill-'));
    const spilled = spills.flatMap((name) =>
      readFileSync(join(dataDir as string, name), 'utf8')
        .trim()
        .split('\n'),
    );
    for (const id of ids) expect(spilled.some((line) => line.includes(id))).toBe(true);

    // The same database at the same address: spill files are replayed only into the database they were meant for.
    proxy.restore();
    const second = await serveShuttle({
      DATABASE_URL: database.url.replace('127.0.0.1:5432', `127.0.0.1:${proxy.port}`),
      SHUTTLE_DATA_DIR: dataDir,
    });
    try {
      const entry = await pollUntil(
        async () => {
          const response = await fetch(`${second.url}/api/v1/requests/${ids[1]}`, { headers });
          return response.status === 200 ? ((await response.json()) as { request: { body: unknown } }) : undefined;
        },
        (found) => found !== undefined,
        { withinMs: 10_000 },
      );
      expect(entry?.request.body).toEqual({ model: 'mock/echo', messages: [{ role: 'user', content: 'spilled two' }] });
      expect(readdirSync(dataDir).filter((name) => name.startsWith('request-log-spill-'))).toEqual([]);
    } finally {
      second.child.kill('SIGTERM');
      await exited(second.child);
    }
  });
});
