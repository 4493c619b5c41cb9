import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBase62 } from '../../src/store/ids.js';
import { call, chat, login } from '../helpers/api.js';
import { runShuttle } from '../helpers/cli.js';
import { REDIS_URL } from '../helpers/databases.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';

describe('shuttle keys', { timeout: 120_000 }, () => {
  let gateway: TestGateway;
  let env: Record<string, string>;

  beforeAll(async () => {
    const redis = { REDIS_URL, SHUTTLE_REDIS_PREFIX: `test-${randomBase62(8)}:`, SHUTTLE_KEY_CACHE_TTL_MS: '600000' };
    gateway = await startGateway({ dialect: 'postgres', env: redis });
    env = { DATABASE_URL: gateway.database.url, ...redis };
  });

  afterAll(async () => {
    await gateway?.close();
  });

  const shuttle = async (...args: string[]) => {
    const result = await runShuttle(['keys', ...args], env);
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(result.stdout);
  };

  it('creates, lists, renames and revokes keys, printing what the API would answer, and the running server follows', async () => {
    const created = await shuttle('create', '--tenant', 'Acme', '--name', 'From the shell', '--json');
    expect(created).toMatchObject({ name: 'From the shell', kind: 'sub', environment: 'production' });
    expect((await chat(gateway, created.key)).status).toBe(200);

    const listed = await shuttle('list', '--tenant', gateway.tenantId, '--json');
    expect(listed.data.map((k: { name: string }) => k.name)).toEqual(['Master key', 'From the shell']);
    expect(JSON.stringify(listed)).not.toContain(created.key);
    const api = await call(gateway, 'GET', '/keys', { auth: await login(gateway) });
    expect(listed.data.map((k: { id: string }) => k.id)).toEqual(api.body.data.map((k: { id: string }) => k.id));

    expect(await shuttle('rename', created.id, '--tenant', 'Acme', '--name', 'Renamed', '--json')).toMatchObject({ name: 'Renamed' });
    await shuttle('revoke', created.id, '--tenant', 'Acme', '--json');
    expect((await chat(gateway, created.key)).status).toBe(401);
  });

  it('regenerates the master key', async () => {
    expect((await chat(gateway, gateway.masterKey)).status).toBe(200);
    const regenerated = await shuttle('regenerate-master', '--tenant', 'Acme', '--json');
    expect((await chat(gateway, gateway.masterKey)).status).toBe(401);
    expect((await chat(gateway, regenerated.key)).status).toBe(200);
  });

  it('fails clearly on an unknown tenant or an invalid name', async () => {
    const unknown = await runShuttle(['keys', 'list', '--tenant', 'Nope'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No tenant');
    const invalid = await runShuttle(['keys', 'create', '--tenant', 'Acme', '--name', 'x'.repeat(65)], env);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toContain('--name');
  });

  it('refuses a key for an environment the tenant does not have, as the API does', async () => {
    const refused = await runShuttle(['keys', 'create', '--tenant', 'Acme', '--name', 'Staging', '--environment', 'staging'], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('No environment "staging"');
    const api = await call(gateway, 'GET', '/keys', { auth: await login(gateway) });
    expect(api.body.data.map((k: { name: string }) => k.name)).not.toContain('Staging');
  });
});
