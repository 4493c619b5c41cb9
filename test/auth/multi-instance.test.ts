import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provisionTenant } from '../../src/auth/provisioning.js';
import { randomBase62 } from '../../src/store/ids.js';
import { addMember, call, chat, login } from '../helpers/api.js';
import { REDIS_URL } from '../helpers/databases.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { pollUntil } from '../helpers/poll.js';

describe('several instances on PostgreSQL and Redis', () => {
  let a: TestGateway;
  let b: TestGateway;

  beforeAll(async () => {
    // A long key cache, so that only the invalidation message can make instance B forget a key.
    const env = {
      REDIS_URL,
      SHUTTLE_REDIS_PREFIX: `test-${randomBase62(8)}:`,
      SHUTTLE_KEY_CACHE_TTL_MS: '600000',
      SHUTTLE_LOGIN_MAX_FAILURES: '3',
    };
    a = await startGateway({ dialect: 'postgres', env });
    b = await startGateway({ dialect: 'postgres', env, sharing: a });
  });

  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('a master key regenerated on one instance stops working on the other within a second', async () => {
    expect((await chat(b, a.masterKey)).status).toBe(200);
    const regenerated = await call(a, 'POST', '/keys/master/regenerate', { auth: await login(a) });
    expect((await chat(a, a.masterKey)).status).toBe(401);
    expect(
      await pollUntil(
        async () => (await chat(b, a.masterKey)).status,
        (status) => status === 401,
        { withinMs: 1000 },
      ),
      'instance B still accepts the replaced master key after a second',
    ).toBe(401);
    expect((await chat(b, regenerated.body.key)).status).toBe(200);
  });

  it('a sub-key revoked on one instance stops working on the other within a second', async () => {
    const token = await login(a);
    const { body } = await call(a, 'POST', '/keys', { auth: token, body: { name: 'Shared' } });
    expect((await chat(b, body.key)).status).toBe(200);
    await call(a, 'DELETE', `/keys/${body.id}`, { auth: token });
    expect(
      await pollUntil(
        async () => (await chat(b, body.key)).status,
        (status) => status === 401,
        { withinMs: 1000 },
      ),
      'instance B still accepts the revoked key after a second',
    ).toBe(401);
  });

  it('log out everywhere ends the session on every instance', async () => {
    const token = await login(a);
    expect((await call(b, 'GET', '/keys', { auth: token })).status).toBe(200);
    await call(a, 'POST', '/auth/logout-all', { auth: token });
    expect(
      await pollUntil(
        async () => (await call(b, 'GET', '/keys', { auth: token })).status,
        (status) => status === 401,
        { withinMs: 1000 },
      ),
      'instance B still accepts a session logged out everywhere',
    ).toBe(401);
  });

  it('a password changed on one instance ends the old sessions on the other, where the new one works', async () => {
    const person = await addMember(a, await login(a), 'changer@acme.test', 'member');
    expect((await call(b, 'GET', '/keys', { auth: person.token })).status).toBe(200);
    const changed = await call(a, 'POST', '/auth/password', {
      auth: person.token,
      body: { currentPassword: person.password, newPassword: 'a password of my own' },
    });
    expect(changed.status).toBe(200);
    expect(
      await pollUntil(
        async () => (await call(b, 'GET', '/keys', { auth: person.token })).status,
        (status) => status === 401,
        { withinMs: 1000 },
      ),
      'instance B still accepts a session from before the password change',
    ).toBe(401);
    expect(
      await pollUntil(
        async () => (await call(b, 'GET', '/keys', { auth: changed.body.token })).status,
        (status) => status === 200,
        { withinMs: 1000 },
      ),
      'instance B refuses the session made by the password change',
    ).toBe(200);
  });

  it('an invitation accepted on one instance gives access on the other', async () => {
    await provisionTenant(a.shuttle.runtime.db, { tenantName: 'Elsewhere', email: 'guest@elsewhere.test', password: 'guest password' });
    const guest = await login(a, 'guest@elsewhere.test', 'guest password');
    const inAcme = { auth: guest, headers: { 'x-shuttle-tenant-id': a.tenantId } };
    expect((await call(b, 'GET', '/keys', inAcme)).status).toBe(404);
    const invited = await call(a, 'POST', '/invitations', {
      auth: await login(a),
      body: { email: 'guest@elsewhere.test', role: 'viewer' },
    });
    expect((await call(a, 'POST', '/invitations/accept', { auth: guest, body: { token: invited.body.token } })).status).toBe(200);
    expect(
      await pollUntil(
        async () => (await call(b, 'GET', '/keys', inAcme)).status,
        (status) => status === 200,
        { withinMs: 1000 },
      ),
      'instance B does not let the invited member in',
    ).toBe(200);
  });

  it('login failures are counted across instances', async () => {
    const attempt = (gateway: TestGateway) =>
      call(gateway, 'POST', '/auth/login', { body: { email: 'owner@acme.test', password: 'wrong' } });
    expect((await attempt(a)).status).toBe(401);
    expect((await attempt(b)).status).toBe(401);
    expect((await attempt(a)).status).toBe(401);
    expect((await attempt(b)).status).toBe(429);
  });
});
