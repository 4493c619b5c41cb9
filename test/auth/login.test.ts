import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBase62 } from '../../src/store/ids.js';
import { addMember, call, chat, login, OWNER } from '../helpers/api.js';
import { REDIS_URL } from '../helpers/databases.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';

describe('login and sessions', () => {
  let gateway: TestGateway;

  beforeAll(async () => {
    gateway = await startGateway({ env: { SHUTTLE_LOGIN_MAX_FAILURES: '3', SHUTTLE_LOGIN_MAX_FAILURES_PER_IP: '8' } });
  });

  afterAll(async () => {
    await gateway?.close();
  });

  it('returns a session token, its expiry, the user and their tenants', async () => {
    const response = await call(gateway, 'POST', '/auth/login', { body: { email: 'OWNER@acme.test', password: OWNER.password } });
    expect(response.status).toBe(200);
    expect(response.body.token).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(Date.parse(response.body.expiresAt) - Date.now()).toBeGreaterThan(7 * 3600 * 1000);
    expect(response.body.user).toMatchObject({ id: gateway.userId, email: 'owner@acme.test' });
    expect(response.body.user).not.toHaveProperty('passwordHash');
    expect(response.body.tenants).toEqual([{ id: gateway.tenantId, name: 'Acme', role: 'owner', suspended: false }]);

    const me = await call(gateway, 'GET', '/auth/me', { auth: response.body.token });
    expect(me.status).toBe(200);
    expect(me.body.user.email).toBe('owner@acme.test');
  });

  it('answers an unknown email exactly as a wrong password', async () => {
    const wrong = await call(gateway, 'POST', '/auth/login', { body: { email: 'owner@acme.test', password: 'nope' } });
    const unknown = await call(gateway, 'POST', '/auth/login', { body: { email: 'nobody@acme.test', password: 'nope' } });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(unknown.body).toEqual(wrong.body);
    expect(wrong.body.error).toMatchObject({ code: 'invalid_credentials', type: 'authentication_error' });
    await login(gateway);
  });

  it('rejects a missing, malformed, forged or expired token', async () => {
    expect((await call(gateway, 'GET', '/auth/me')).status).toBe(401);
    const token = await login(gateway);
    const [header, payload] = token.split('.');
    const forged = `${header}.${payload}.${'A'.repeat(43)}`;
    const response = await call(gateway, 'GET', '/auth/me', { auth: forged });
    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe('invalid_token');

    const shortLived = await startGateway({ env: { SHUTTLE_SESSION_TTL_SECONDS: '4' } });
    try {
      const expiring = await login(shortLived);
      expect((await call(shortLived, 'GET', '/auth/me', { auth: expiring })).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 5100));
      const expired = await call(shortLived, 'GET', '/auth/me', { auth: expiring });
      expect(expired.status).toBe(401);
      expect(expired.body.error.message).toContain('expired');
    } finally {
      await shortLived.close();
    }
  });

  it('ends earlier sessions when the password changes, and keeps the one that changed it', async () => {
    const other = await login(gateway);
    const current = await login(gateway);
    const changed = await call(gateway, 'POST', '/auth/password', {
      auth: current,
      body: { currentPassword: OWNER.password, newPassword: 'a brand new password' },
    });
    expect(changed.status).toBe(200);
    expect((await call(gateway, 'GET', '/auth/me', { auth: other })).status).toBe(401);
    expect((await call(gateway, 'GET', '/auth/me', { auth: current })).status).toBe(401);
    expect((await call(gateway, 'GET', '/auth/me', { auth: changed.body.token })).status).toBe(200);
    expect((await call(gateway, 'POST', '/auth/login', { body: { email: OWNER.email, password: OWNER.password } })).status).toBe(401);
    const wrongCurrent = await call(gateway, 'POST', '/auth/password', {
      auth: changed.body.token,
      body: { currentPassword: 'nope', newPassword: 'whatever else' },
    });
    expect(wrongCurrent.status).toBe(400);
    expect(wrongCurrent.body.error).toMatchObject({ code: 'invalid_request', param: 'currentPassword' });
    const reset = await call(gateway, 'POST', '/auth/password', {
      auth: changed.body.token,
      body: { currentPassword: 'a brand new password', newPassword: OWNER.password },
    });
    expect(reset.status).toBe(200);
  });

  it('logs out everywhere', async () => {
    const [a, b] = [await login(gateway), await login(gateway)];
    expect((await call(gateway, 'POST', '/auth/logout-all', { auth: a })).status).toBe(204);
    expect((await call(gateway, 'GET', '/auth/me', { auth: a })).status).toBe(401);
    expect((await call(gateway, 'GET', '/keys', { auth: b })).status).toBe(401);
    await login(gateway);
  });

  it('session tokens also work on the gateway API', async () => {
    const token = await login(gateway);
    expect((await chat(gateway, token)).status).toBe(200);
  });
});

describe('login throttling', () => {
  let gateway: TestGateway;

  beforeAll(async () => {
    gateway = await startGateway({
      env: { SHUTTLE_LOGIN_MAX_FAILURES: '3', SHUTTLE_LOGIN_MAX_FAILURES_PER_IP: '5', SHUTTLE_TRUST_PROXY: 'true' },
    });
  });

  afterAll(async () => {
    await gateway?.close();
  });

  const attempt = (email: string, password: string, ip: string) =>
    call(gateway, 'POST', '/auth/login', { body: { email, password }, headers: { 'x-forwarded-for': ip } });

  it('refuses an account after repeated failures with 429, Retry-After and the OpenAI error shape, even with the right password', async () => {
    for (let i = 0; i < 3; i++) expect((await attempt(OWNER.email, 'wrong', `10.0.0.${i}`)).status).toBe(401);
    const throttled = await attempt(OWNER.email, OWNER.password, '10.0.0.99');
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(throttled.body.error).toMatchObject({ code: 'login_throttled', type: 'rate_limit_error' });
    expect(throttled.body.error.message).toMatch(/Try again in \d+ minutes?/);
  });

  it('refuses a client address after repeated failures across accounts', async () => {
    for (let i = 0; i < 5; i++) await attempt(`someone${i}@example.com`, 'wrong', '10.9.9.9');
    expect((await attempt('someone-else@example.com', 'wrong', '10.9.9.9')).status).toBe(429);
    expect((await attempt('someone-else@example.com', 'wrong', '10.9.9.10')).status).toBe(401);
  });

  it('does not hold attempts refused for their address against the account they named', async () => {
    const own = await startGateway({
      env: { SHUTTLE_LOGIN_MAX_FAILURES: '3', SHUTTLE_LOGIN_MAX_FAILURES_PER_IP: '2', SHUTTLE_TRUST_PROXY: 'true' },
    });
    try {
      const from = (ip: string, password: string) =>
        call(own, 'POST', '/auth/login', { body: { email: OWNER.email, password }, headers: { 'x-forwarded-for': ip } });
      for (let i = 0; i < 2; i++) expect((await from('10.1.1.1', 'wrong')).status).toBe(401);
      // Past its own limit, the address is refused without a password being looked at: no guess reaches the account.
      for (let i = 0; i < 10; i++) expect((await from('10.1.1.1', 'wrong')).status).toBe(429);
      expect((await from('10.1.1.2', OWNER.password)).status).toBe(200);
    } finally {
      await own.close();
    }
  });

  it('counts the IPv6 addresses of one /64 network as one client address', async () => {
    for (let i = 1; i <= 5; i++) await attempt(`v6-someone${i}@example.com`, 'wrong', `2001:db8:aa:bb::${i}`);
    expect((await attempt('v6-someone-else@example.com', 'wrong', '2001:db8:aa:bb:ffff:1:2:3')).status).toBe(429);
    expect((await attempt('v6-someone-else@example.com', 'wrong', '2001:db8:aa:bc::1')).status).toBe(401);
  });

  it('refuses an email longer than any address before counting it', async () => {
    const answer = await call(gateway, 'POST', '/auth/login', { body: { email: `${'a'.repeat(100_000)}@acme.test`, password: 'x' } });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({ code: 'invalid_request', param: 'email' });
  });

  it('counts an email in another case, or with spaces around it, as the same account', async () => {
    const own = await startGateway({ env: { SHUTTLE_LOGIN_MAX_FAILURES: '3' } });
    try {
      for (const email of ['OWNER@acme.test', ' owner@ACME.test', 'owner@acme.test\u00a0']) {
        expect((await call(own, 'POST', '/auth/login', { body: { email, password: 'wrong' } })).status).toBe(401);
      }
      for (const email of [OWNER.email, 'Owner@Acme.Test', '\u3000owner@acme.test']) {
        expect((await call(own, 'POST', '/auth/login', { body: { email, password: OWNER.password } })).status).toBe(429);
      }
    } finally {
      await own.close();
    }
  });

  it('throttles guesses at the current password through a password change like logins, for the same account', async () => {
    const own = await startGateway({ env: { SHUTTLE_LOGIN_MAX_FAILURES: '3' } });
    try {
      const session = await login(own);
      const change = (currentPassword: string) =>
        call(own, 'POST', '/auth/password', { auth: session, body: { currentPassword, newPassword: 'a brand new password' } });
      for (let i = 0; i < 3; i++) expect((await change(`guess ${i}`)).status).toBe(400);
      const throttled = await change(OWNER.password);
      expect(throttled.status).toBe(429);
      expect(throttled.body.error.code).toBe('login_throttled');
      expect((await call(own, 'POST', '/auth/login', { body: OWNER })).status).toBe(429);
    } finally {
      await own.close();
    }
  });

  it('a successful login clears the account’s failures', async () => {
    const user = { email: 'fresh@acme.test', password: 'a fresh password' };
    const owner = await startGateway();
    try {
      const token = await login(owner);
      await addMember(owner, token, user.email, 'member', user.password);
      const once = (password: string) => call(owner, 'POST', '/auth/login', { body: { email: user.email, password } });
      for (let i = 0; i < 4; i++) expect((await once('wrong')).status).toBe(401);
      expect((await once(user.password)).status).toBe(200);
      for (let i = 0; i < 4; i++) expect((await once('wrong')).status).toBe(401);
    } finally {
      await owner.close();
    }
  });
});

describe.each([
  ['in memory', false],
  ['in Redis, across two instances', true],
] as const)('login throttling under concurrency (%s)', (_name, withRedis) => {
  let a: TestGateway;
  let b: TestGateway;

  beforeAll(async () => {
    const env: Record<string, string> = withRedis ? { REDIS_URL, SHUTTLE_REDIS_PREFIX: `test-${randomBase62(8)}:` } : {};
    a = await startGateway({ env });
    b = withRedis ? await startGateway({ env, sharing: a }) : a;
  });

  afterAll(async () => {
    if (b !== a) await b?.close();
    await a?.close();
  });

  it('verifies at most 5 of 40 simultaneous wrong passwords for one account; the rest are 429 with Retry-After', async () => {
    const owner = await login(a);
    const attempts = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        call(i % 2 === 0 ? a : b, 'POST', '/auth/login', { body: { email: OWNER.email, password: `wrong ${i}` } }),
      ),
    );
    const statuses = attempts.map((response) => response.status);
    expect(statuses.filter((status) => status === 401)).toHaveLength(5);
    const throttled = attempts.filter((response) => response.status === 429);
    expect(throttled).toHaveLength(35);
    for (const response of throttled) expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    // Each password that was verified and failed left one audit entry.
    const audit = await call(a, 'GET', '/audit-log?action=auth.login_failed&limit=200', { auth: owner });
    expect(audit.body.data).toHaveLength(5);
  });
});
