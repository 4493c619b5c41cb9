import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { exited, runShuttle, spawnShuttle, waitForOutput } from '../helpers/cli.js';
import { freshDatabase, type TestDatabase } from '../helpers/databases.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';

const hello = JSON.stringify({ model: 'mock/echo', messages: [{ role: 'user', content: 'hello' }] });

/**
 * A real `shuttle serve` on PostgreSQL through a TCP proxy that the test cuts: requests served from warm caches queue
 * their usage events, and SIGTERM then finds a database it cannot write to.
 */
describe('shutdown with the database out of reach', { timeout: 120_000 }, () => {
  let database: TestDatabase | undefined;
  let proxy: TcpProxy | undefined;
  afterEach(async () => {
    await proxy?.close();
    await database?.drop();
  });

  async function serveThenCut(dataDir: string) {
    database = await freshDatabase('postgres');
    const bootstrap = await runShuttle(
      ['bootstrap', '--tenant', 'Acme', '--email', 'ops@acme.test', '--password', 'a long password', '--json'],
      {
        DATABASE_URL: database.url,
      },
    );
    expect(bootstrap.code, bootstrap.stderr).toBe(0);
    const { masterKey } = JSON.parse(bootstrap.stdout) as { masterKey: string };
    proxy = await startTcpProxy('127.0.0.1', 5432);
    const child = spawnShuttle(['serve'], {
      DATABASE_URL: database.url.replace('127.0.0.1:5432', `127.0.0.1:${proxy.port}`),
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      SHUTTLE_DATA_DIR: dataDir,
      SHUTTLE_SHUTDOWN_TIMEOUT_MS: '1500',
    });
    let output = '';
    child.stdout.on('data', (data) => {
      output += data;
    });
    const listening = await waitForOutput(child, /shuttle is listening.*\n/);
    const url = (JSON.parse(listening.trim().split('\n').at(-1) as string) as { url: string }).url;
    const chat = () =>
      fetch(`${url}/api/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${masterKey}`, 'content-type': 'application/json' },
        body: hello,
      }).then((response) => response.status);
    expect(await chat()).toBe(200);
    proxy.cut();
    // The key is cached: served, and their events wait for the database.
    for (let i = 0; i < 3; i++) expect(await chat()).toBe(200);
    return { child, output: () => output };
  }

  it('spills the events it could not write and exits 0', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'shuttle-data-'));
    const { child } = await serveThenCut(dataDir);
    child.kill('SIGTERM');
    expect(await exited(child)).toBe(0);
    const spills = readdirSync(dataDir).filter((name) => name.startsWith('usage-spill-'));
    const lines = spills.flatMap((name) => readFileSync(join(dataDir, name), 'utf8').trim().split('\n'));
    // The three of the outage, and the first one's too unless it was written before the cut.
    expect(lines.length).toBeGreaterThanOrEqual(3);
  });

  it('exits non-zero and logs how many events were lost when it cannot spill them either', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'shuttle-data-'));
    const { child, output } = await serveThenCut(dataDir);
    // The data directory becomes a file: nothing can be written there, whoever the process runs as.
    rmSync(dataDir, { recursive: true, force: true });
    writeFileSync(dataDir, '');
    child.kill('SIGTERM');
    expect(await exited(child)).toBe(1);
    const lost = output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { lost?: number; msg?: string })
      .find((line) => line.lost !== undefined);
    expect(lost?.lost).toBeGreaterThanOrEqual(3);
    expect(lost?.msg).toContain('they are lost');
    rmSync(dataDir, { force: true });
  });
});
