import { afterEach, describe, expect, it } from 'vitest';
import { exited, runShuttle, spawnShuttle, waitForOutput } from '../helpers/cli.js';
import { DIALECTS, freshDatabase, type TestDatabase } from '../helpers/databases.js';

describe.each(DIALECTS)('the shuttle CLI on %s', { timeout: 120_000 }, (dialect) => {
  let database: TestDatabase | undefined;

  afterEach(async () => {
    await database?.drop();
  });

  it('bootstrap --json prints only the ids and the master key, and refuses an existing email', async () => {
    database = await freshDatabase(dialect);
    const env = { DATABASE_URL: database.url };
    const args = ['bootstrap', '--tenant', 'Acme', '--email', 'ops@acme.test', '--password', 'a long password', '--json'];
    const first = await runShuttle(args, env);
    expect(first.code, first.stderr).toBe(0);
    const printed = JSON.parse(first.stdout) as Record<string, string>;
    expect(Object.keys(printed).sort()).toEqual(['masterKey', 'tenantId', 'userId']);
    expect(printed.tenantId).toMatch(/^ten_/);
    expect(printed.masterKey).toMatch(/^ps_/);

    const again = await runShuttle(args, env);
    expect(again.code).toBe(1);
    expect(again.stdout).toBe('');
    expect(again.stderr).toContain('already exists');
  });

  it('bootstrap --operator makes the new owner a server operator; without it the owner is none', async () => {
    database = await freshDatabase(dialect);
    const env = { DATABASE_URL: database.url };
    const make = (tenant: string, email: string, ...flags: string[]) =>
      runShuttle(['bootstrap', '--tenant', tenant, '--email', email, '--password', 'a long password', ...flags], env);
    const operator = await make('Ops', 'ops@ops.test', '--operator');
    expect(operator.code, operator.stderr).toBe(0);
    expect(operator.stdout).toContain('a server operator');
    expect((await make('Plain', 'plain@plain.test')).code).toBe(0);
    const listed = await runShuttle(['operators', 'list', '--json'], env);
    expect(JSON.parse(listed.stdout).data.map((u: { email: string }) => u.email)).toEqual(['ops@ops.test']);
  });

  it('migrate applies migrations, then reports the database up to date', async () => {
    database = await freshDatabase(dialect);
    const first = await runShuttle(['migrate'], { DATABASE_URL: database.url });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('Applied: 0001-initial');
    const second = await runShuttle(['migrate'], { DATABASE_URL: database.url });
    expect(second.stdout).toContain('up to date');
  });
});

describe('shuttle serve', { timeout: 120_000 }, () => {
  let database: TestDatabase | undefined;

  afterEach(async () => {
    await database?.drop();
  });

  it('on an empty database creates the owner and tenant, prints them once, the printed key works and the password must be changed', async () => {
    database = await freshDatabase('sqlite');
    const env = { DATABASE_URL: database.url, PORT: '0', HOST: '127.0.0.1', SHUTTLE_ADMIN_EMAIL: 'me@example.com', LOG_LEVEL: 'info' };
    const child = spawnShuttle(['serve'], env);
    const banner = await waitForOutput(child, /Master key\s+ps_\w+/);
    expect(banner).toContain('me@example.com');
    const password = /Admin password\s+(\S+)/.exec(banner)?.[1];
    expect(password).toMatch(/^[0-9A-Za-z]{20}$/);
    const key = /Master key\s+(ps_\w+)/.exec(banner)?.[1] as string;
    const url = /Dashboard\s+(\S+)/.exec(banner)?.[1] as string;

    const response = await fetch(`${url}/api/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'mock/echo', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(response.status).toBe(200);
    // The generated password was printed, so it is changed at the first login.
    const loggedIn = await fetch(`${url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'me@example.com', password }),
    });
    const session = (await loggedIn.json()) as { user: { mustChangePassword: boolean; operator: boolean } };
    expect(session.user.mustChangePassword).toBe(true);
    // The first admin runs the server: they are its first operator (docs/operators.md).
    expect(session.user.operator).toBe(true);
    child.kill('SIGTERM');
    expect(await exited(child)).toBe(0);

    const restarted = spawnShuttle(['serve'], env);
    let output = '';
    restarted.stdout.on('data', (data) => {
      output += data;
    });
    await waitForReady(restarted);
    restarted.kill('SIGTERM');
    await exited(restarted);
    expect(output).not.toContain('Master key');
  });

  it('limits how far the heap grows between full collections, unless told otherwise', async () => {
    database = await freshDatabase('sqlite');
    const base = { DATABASE_URL: database.url, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' };
    expect(await listeningLine(base)).toMatchObject({ heapGrowthPercent: 20 });
    expect(await listeningLine({ ...base, SHUTTLE_HEAP_GROWTH_PERCENT: '35' })).toMatchObject({ heapGrowthPercent: 35 });
    expect(await listeningLine({ ...base, SHUTTLE_HEAP_GROWTH_PERCENT: '0' })).toMatchObject({ heapGrowthPercent: null });
    // The operator's own Node flag wins.
    expect(await listeningLine(base, ['--heap-growing-percent=50'])).toMatchObject({ heapGrowthPercent: null });
  });

  it('names an invalid setting and exits', async () => {
    const result = await runShuttle(['serve'], { DATABASE_URL: 'mysql://nope', PORT: 'eighty' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('PORT');
    expect(result.stderr).toContain('DATABASE_URL');
  });
});

/** Starts `shuttle serve`, returns its "shuttle is listening" log line, and stops it. */
async function listeningLine(env: Record<string, string>, nodeFlags: string[] = []): Promise<Record<string, unknown>> {
  const child = spawnShuttle(['serve'], env, undefined, nodeFlags);
  const output = await waitForOutput(child, /shuttle is listening.*\n/);
  child.kill('SIGTERM');
  await exited(child);
  const line = output.split('\n').find((text) => text.includes('shuttle is listening')) as string;
  return JSON.parse(line) as Record<string, unknown>;
}

async function waitForReady(child: ReturnType<typeof spawnShuttle>): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    let errors = '';
    child.stderr.on('data', (data) => {
      errors += data;
    });
    const timer = setTimeout(() => reject(new Error(`not ready: ${errors}`)), 20_000);
    child.stdout.on('data', (data) => {
      if (String(data).includes('shuttle is listening')) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
}
