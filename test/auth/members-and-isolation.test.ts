import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provisionTenant } from '../../src/auth/provisioning.js';
import { call, chat, addMember as join, login, OWNER } from '../helpers/api.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';

describe('members and roles', () => {
  let gateway: TestGateway;
  let owner: string;

  beforeAll(async () => {
    gateway = await startGateway();
    owner = await login(gateway);
  });

  afterAll(async () => {
    await gateway?.close();
  });

  const addMember = (email: string, role: string) => join(gateway, owner, email, role);

  it('owners invite people, who join with a password of their own', async () => {
    const { token } = await addMember('ada@acme.test', 'admin');
    const me = await call(gateway, 'GET', '/auth/me', { auth: token });
    expect(me.body.tenants).toEqual([{ id: gateway.tenantId, name: 'Acme', role: 'admin', suspended: false }]);
    const members = await call(gateway, 'GET', '/members', { auth: owner });
    expect(members.body.data.map((m: { email: string; role: string }) => [m.email, m.role])).toEqual([
      [OWNER.email, 'owner'],
      ['ada@acme.test', 'admin'],
    ]);
    expect((await call(gateway, 'POST', '/invitations', { auth: owner, body: { email: 'ada@acme.test', role: 'viewer' } })).status).toBe(
      409,
    );
  });

  it('members and viewers see keys but cannot manage them; viewers cannot call the gateway', async () => {
    const member = await addMember('mo@acme.test', 'member');
    const viewer = await addMember('vi@acme.test', 'viewer');
    for (const { token } of [member, viewer]) {
      expect((await call(gateway, 'GET', '/keys', { auth: token })).status).toBe(200);
      const create = await call(gateway, 'POST', '/keys', { auth: token, body: { name: 'mine' } });
      expect(create.status).toBe(403);
      expect(create.body.error.code).toBe('permission_denied');
      expect((await call(gateway, 'POST', '/keys/master/regenerate', { auth: token })).status).toBe(403);
      expect((await call(gateway, 'GET', '/members', { auth: token })).status).toBe(403);
      expect((await call(gateway, 'GET', '/audit-log', { auth: token })).status).toBe(403);
    }
    expect((await chat(gateway, member.token)).status).toBe(200);
    expect((await chat(gateway, viewer.token)).status).toBe(403);
  });

  it('only owners manage members; admins manage keys', async () => {
    const admin = await addMember('root@acme.test', 'admin');
    expect(
      (await call(gateway, 'POST', '/invitations', { auth: admin.token, body: { email: 'x@acme.test', role: 'viewer' } })).status,
    ).toBe(403);
    expect((await call(gateway, 'POST', '/keys', { auth: admin.token, body: { name: 'Admin made' } })).status).toBe(201);
  });

  it('changes roles, and a removed member loses access at once', async () => {
    const person = await addMember('temp@acme.test', 'viewer');
    const promoted = await call(gateway, 'PATCH', `/members/${person.userId}`, { auth: owner, body: { role: 'admin' } });
    expect(promoted.body.role).toBe('admin');
    expect((await call(gateway, 'POST', '/keys', { auth: person.token, body: { name: 'Now allowed' } })).status).toBe(201);
    expect((await call(gateway, 'DELETE', `/members/${person.userId}`, { auth: owner })).status).toBe(204);
    expect((await call(gateway, 'GET', '/keys', { auth: person.token })).status).toBe(404);
  });

  it('always keeps an owner', async () => {
    const ownerId = gateway.userId;
    expect((await call(gateway, 'DELETE', `/members/${ownerId}`, { auth: owner })).status).toBe(409);
    expect((await call(gateway, 'PATCH', `/members/${ownerId}`, { auth: owner, body: { role: 'admin' } })).status).toBe(409);
  });

  it('records who did what, when and from where in the audit log, newest first, paginated', async () => {
    await call(gateway, 'POST', '/auth/login', { body: { email: OWNER.email, password: 'wrong password' } });
    const page = await call(gateway, 'GET', '/audit-log?limit=3', { auth: owner });
    expect(page.status).toBe(200);
    expect(page.body.data).toHaveLength(3);
    expect(page.body.data[0]).toMatchObject({ action: 'auth.login_failed', actor: { type: 'user', label: OWNER.email }, ip: '127.0.0.1' });
    expect(page.body.nextCursor).toEqual(expect.any(String));
    const next = await call(gateway, 'GET', `/audit-log?limit=100&cursor=${encodeURIComponent(page.body.nextCursor)}`, { auth: owner });
    const actions = [...page.body.data, ...next.body.data].map((entry: { action: string }) => entry.action);
    for (const action of [
      'invitation.created',
      'invitation.accepted',
      'member.role_changed',
      'member.removed',
      'key.created',
      'auth.login_failed',
    ])
      expect(actions).toContain(action);
    const times = [...page.body.data, ...next.body.data].map((entry: { createdAt: string }) => Date.parse(entry.createdAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect((await call(gateway, 'GET', '/audit-log?cursor=garbage', { auth: owner })).status).toBe(400);
    const filtered = await call(gateway, 'GET', '/audit-log?action=member.removed', { auth: owner });
    expect(filtered.body.data.every((entry: { action: string }) => entry.action === 'member.removed')).toBe(true);
  });
});

describe('tenant isolation', () => {
  let gateway: TestGateway;
  let ownerA: string;
  let ownerB: string;
  let tenantB: string;
  let masterKeyB: string;

  beforeAll(async () => {
    gateway = await startGateway();
    ownerA = await login(gateway);
    const b = await provisionTenant(gateway.shuttle.runtime.db, {
      tenantName: 'Globex',
      email: 'owner@globex.test',
      password: 'globex password',
    });
    tenantB = b.tenant.id;
    masterKeyB = b.masterKey;
    ownerB = await login(gateway, 'owner@globex.test', 'globex password');
  });

  afterAll(async () => {
    await gateway?.close();
  });

  it('a tenant’s keys, members and audit log are invisible and unchangeable to another: 404, not 403', async () => {
    const keyB = (await call(gateway, 'POST', '/keys', { auth: ownerB, body: { name: 'Globex secret' } })).body;
    const memberB = await join(gateway, ownerB, 'staff@globex.test', 'member');

    const keysA = await call(gateway, 'GET', '/keys', { auth: ownerA });
    expect(JSON.stringify(keysA.body)).not.toContain(keyB.id);
    expect((await call(gateway, 'PATCH', `/keys/${keyB.id}`, { auth: ownerA, body: { name: 'hijacked' } })).status).toBe(404);
    expect((await call(gateway, 'DELETE', `/keys/${keyB.id}`, { auth: ownerA })).status).toBe(404);
    expect((await call(gateway, 'PATCH', `/members/${memberB.userId}`, { auth: ownerA, body: { role: 'owner' } })).status).toBe(404);
    expect((await call(gateway, 'DELETE', `/members/${memberB.userId}`, { auth: ownerA })).status).toBe(404);
    const membersA = await call(gateway, 'GET', '/members', { auth: ownerA });
    expect(JSON.stringify(membersA.body)).not.toContain('globex');
    const auditA = await call(gateway, 'GET', '/audit-log?limit=200', { auth: ownerA });
    expect(JSON.stringify(auditA.body)).not.toContain(keyB.id);

    expect((await chat(gateway, keyB.key)).status).toBe(200);
    expect((await chat(gateway, masterKeyB)).status).toBe(200);
  });

  it('a user cannot act in a tenant they do not belong to, even by naming it', async () => {
    const response = await call(gateway, 'GET', '/keys', { auth: ownerA, headers: { 'x-shuttle-tenant-id': tenantB } });
    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe('not_found');
  });

  it('a user in several tenants picks one with X-Shuttle-Tenant-Id', async () => {
    const invited = await call(gateway, 'POST', '/invitations', { auth: ownerB, body: { email: OWNER.email, role: 'viewer' } });
    expect((await call(gateway, 'POST', '/invitations/accept', { auth: ownerA, body: { token: invited.body.token } })).status).toBe(200);
    const both = await login(gateway);
    const inA = await call(gateway, 'GET', '/tenant', { auth: both });
    const inB = await call(gateway, 'GET', '/tenant', { auth: both, headers: { 'x-shuttle-tenant-id': tenantB } });
    expect(inA.body.id).toBe(gateway.tenantId);
    expect(inB.body).toMatchObject({ id: tenantB, name: 'Globex' });
    expect(
      (await call(gateway, 'POST', '/keys', { auth: both, headers: { 'x-shuttle-tenant-id': tenantB }, body: { name: 'viewer try' } }))
        .status,
    ).toBe(403);
  });
});
