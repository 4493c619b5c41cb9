import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provisionTenant } from '../../src/auth/provisioning.js';
import { call, chat, login } from '../helpers/api.js';
import { DIALECTS } from '../helpers/databases.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';

describe.each(DIALECTS)('API keys on %s', (dialect) => {
  let gateway: TestGateway;
  let token: string;

  beforeAll(async () => {
    gateway = await startGateway({ dialect, env: { SHUTTLE_MAX_SUB_KEYS: '10' } });
    token = await login(gateway);
  });

  afterAll(async () => {
    await gateway?.close();
  });

  const createKey = (name: string, extra: Record<string, unknown> = {}) =>
    call(gateway, 'POST', '/keys', { auth: token, body: { name, ...extra } });
  const listKeys = async () => (await call(gateway, 'GET', '/keys', { auth: token })).body.data as Array<Record<string, unknown>>;

  it('creates a sub-key whose secret is shown once and works like the master key', async () => {
    const created = await createKey('Production Server');
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'Production Server',
      kind: 'sub',
      environment: 'production',
      lastUsedAt: null,
      expiresAt: null,
    });
    expect(created.body.key).toMatch(/^ps_[0-9A-Za-z]{49}$/);
    expect(created.body.maskedKey).toBe(`ps_…${created.body.key.slice(-4)}`);

    expect((await chat(gateway, created.body.key)).status).toBe(200);
    expect((await call(gateway, 'GET', '/models', { auth: created.body.key })).status).toBe(200);

    const listed = await listKeys();
    const text = JSON.stringify(listed);
    expect(text).not.toContain(created.body.key);
    expect(text).not.toMatch(/[0-9a-f]{64}/);
    const entry = listed.find((key) => key.id === created.body.id);
    expect(entry).toMatchObject({ name: 'Production Server', maskedKey: created.body.maskedKey });
    expect(entry?.lastUsedAt).not.toBeNull();
    expect(listed[0]).toMatchObject({ kind: 'master', maskedKey: `ps_…${gateway.masterKey.slice(-4)}` });
  });

  it('renames a key', async () => {
    const { body } = await createKey('Old name');
    const renamed = await call(gateway, 'PATCH', `/keys/${body.id}`, { auth: token, body: { name: '  New name  ' } });
    expect(renamed.status).toBe(200);
    expect(renamed.body.name).toBe('New name');
    expect((await listKeys()).find((key) => key.id === body.id)?.name).toBe('New name');
  });

  it('keeps key names unique within the tenant, ignoring case, with a 409 that says which name is taken', async () => {
    const first = await createKey('Billing Worker');
    expect(first.status).toBe(201);
    const again = await createKey('billing worker');
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'key_name_taken', type: 'conflict_error', param: 'name' });
    expect(again.body.error.message).toBe('A key named "Billing Worker" already exists in this tenant; choose another name.');

    const other = await createKey('Support Bot');
    const rename = await call(gateway, 'PATCH', `/keys/${other.body.id}`, { auth: token, body: { name: 'BILLING WORKER' } });
    expect(rename.status).toBe(409);
    expect(rename.body.error.code).toBe('key_name_taken');
    expect((await call(gateway, 'PATCH', `/keys/${first.body.id}`, { auth: token, body: { name: 'Billing worker' } })).status).toBe(200);

    // A deleted key's name is free again; another tenant's keys never collide.
    expect((await call(gateway, 'DELETE', `/keys/${other.body.id}`, { auth: token })).status).toBe(204);
    expect((await createKey('Support Bot')).status).toBe(201);
    await provisionTenant(gateway.shuttle.runtime.db, { tenantName: 'Globex', email: 'owner@globex.test', password: 'globex password' });
    const globex = await login(gateway, 'owner@globex.test', 'globex password');
    expect((await call(gateway, 'POST', '/keys', { auth: globex, body: { name: 'Billing Worker' } })).status).toBe(201);
  });

  it('revokes a key at once: the very next request with it gets 401', async () => {
    const { body } = await createKey('Short-lived');
    expect((await chat(gateway, body.key)).status).toBe(200);
    expect((await call(gateway, 'DELETE', `/keys/${body.id}`, { auth: token })).status).toBe(204);
    const after = await chat(gateway, body.key);
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('invalid_api_key');
    expect((await listKeys()).some((key) => key.id === body.id)).toBe(false);
    expect((await call(gateway, 'DELETE', `/keys/${body.id}`, { auth: token })).status).toBe(404);
  });

  it('regenerates the master key: the new secret is shown once and the old one is refused at once', async () => {
    const old = gateway.masterKey;
    expect((await chat(gateway, old)).status).toBe(200);
    const regenerated = await call(gateway, 'POST', '/keys/master/regenerate', { auth: token });
    expect(regenerated.status).toBe(201);
    expect(regenerated.body).toMatchObject({ kind: 'master' });
    expect((await chat(gateway, old)).status).toBe(401);
    expect((await chat(gateway, regenerated.body.key)).status).toBe(200);
    const masters = (await listKeys()).filter((key) => key.kind === 'master');
    expect(masters).toHaveLength(1);
    expect(masters[0]?.maskedKey).toBe(`ps_…${regenerated.body.key.slice(-4)}`);
    gateway.masterKey = regenerated.body.key;
  });

  it('refuses to delete the master key', async () => {
    const master = (await listKeys()).find((key) => key.kind === 'master');
    const response = await call(gateway, 'DELETE', `/keys/${master?.id}`, { auth: token });
    expect(response.status).toBe(409);
    expect(response.body.error.message).toContain('regenerate');
  });

  it('validates names: 1–64 printable characters', async () => {
    for (const name of ['', '   ', 'x'.repeat(65), 'tab\there', 'bell\u0007']) {
      const response = await createKey(name);
      expect(response.status, JSON.stringify(name)).toBe(400);
      expect(response.body.error.param).toBe('name');
    }
    expect((await call(gateway, 'POST', '/keys', { auth: token, body: {} })).status).toBe(400);
    expect((await createKey('x'.repeat(64))).status).toBe(201);
  });

  it('honours an expiry', async () => {
    expect((await createKey('Past', { expiresAt: '2020-01-01T00:00:00Z' })).status).toBe(400);
    const soon = await createKey('Expiring', { expiresAt: new Date(Date.now() + 1500).toISOString() });
    expect(soon.status).toBe(201);
    expect((await chat(gateway, soon.body.key)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1600));
    const expired = await chat(gateway, soon.body.key);
    expect(expired.status).toBe(401);
    expect(expired.body.error.message).toContain('expired');
  });

  it('allows at most ten sub-keys, even when they are created all at once', async () => {
    for (const key of await listKeys()) if (key.kind === 'sub') await call(gateway, 'DELETE', `/keys/${key.id}`, { auth: token });
    const results = await Promise.all(Array.from({ length: 16 }, (_, i) => createKey(`Parallel ${i}`)));
    expect(results.filter((r) => r.status === 201)).toHaveLength(10);
    const refused = results.filter((r) => r.status === 409);
    expect(refused).toHaveLength(6);
    expect(refused[0]?.body.error.code).toBe('key_limit_reached');
    expect((await listKeys()).filter((key) => key.kind === 'sub')).toHaveLength(10);
  });

  it('lets no API key manage keys', async () => {
    for (const [method, path] of [
      ['GET', '/keys'],
      ['POST', '/keys'],
      ['POST', '/keys/master/regenerate'],
      ['PATCH', '/keys/key_x'],
      ['DELETE', '/keys/key_x'],
    ] as const) {
      const response = await call(gateway, method, path, {
        auth: gateway.masterKey,
        body: method === 'GET' || method === 'DELETE' ? undefined : { name: 'x' },
      });
      expect(response.status, `${method} ${path}`).toBe(403);
      expect(response.body.error.type).toBe('permission_error');
    }
  });
});

describe('the sub-key maximum', () => {
  it('is in the key list, as the operator set it, so the dashboard shows the real limit', async () => {
    const gateway = await startGateway({ env: { SHUTTLE_MAX_SUB_KEYS: '3' } });
    try {
      const list = await call(gateway, 'GET', '/keys', { auth: await login(gateway) });
      expect(list.status).toBe(200);
      expect(list.body.maxSubKeys).toBe(3);
    } finally {
      await gateway.close();
    }
  });
});
