import { Migrator } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/auth/passwords.js';
import { provisionTenant } from '../../src/auth/provisioning.js';
import { openDatabase } from '../../src/store/database.js';
import { parsePostgresUrl } from '../../src/store/dialects/postgres.js';
import { migrationProvider } from '../../src/store/migrations/index.js';
import { AuditLogRepository } from '../../src/store/repositories/audit-log.js';
import { addMember, call, chat, login, OWNER } from '../helpers/api.js';
import { DIALECTS, freshDatabase } from '../helpers/databases.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';

describe.each(DIALECTS)('invitations (%s)', (dialect) => {
  let gateway: TestGateway;
  let ownerA: string;
  let ownerB: string;
  let tenantB: string;

  beforeAll(async () => {
    gateway = await startGateway({ dialect });
    ownerA = await login(gateway);
    const b = await provisionTenant(gateway.shuttle.runtime.db, {
      tenantName: 'Globex',
      email: 'owner@globex.test',
      password: 'globex password',
    });
    tenantB = b.tenant.id;
    ownerB = await login(gateway, 'owner@globex.test', 'globex password');
  });

  afterAll(async () => {
    await gateway?.close();
  });

  const invite = (owner: string, email: string, role = 'member') =>
    call(gateway, 'POST', '/invitations', { auth: owner, body: { email, role } });
  const acceptWithPassword = (token: string, password: string) =>
    call(gateway, 'POST', '/invitations/accept-with-password', { body: { token, password } });

  it('an owner who invited an email can never act in another tenant that adds the same person', async () => {
    // Owner A invites x and uses the link to make x's account with a password A knows.
    const fromA = await invite(ownerA, 'x@example.test');
    expect((await acceptWithPassword(fromA.body.token, 'password A chose')).status).toBe(200);
    // Owner B then invites the real x.
    const fromB = await invite(ownerB, 'x@example.test', 'admin');
    expect(fromB.status).toBe(201);

    const asX = await call(gateway, 'POST', '/auth/login', { body: { email: 'x@example.test', password: 'password A chose' } });
    expect(asX.body.tenants).toEqual([{ id: gateway.tenantId, name: 'Acme', role: 'member', suspended: false }]);
    const intoB = await call(gateway, 'GET', '/tenant', { auth: asX.body.token, headers: { 'x-shuttle-tenant-id': tenantB } });
    expect(intoB.status).toBe(404);
    // A's own link is used up; B's link needs the account's owner logged in, and never sets a password.
    expect((await acceptWithPassword(fromA.body.token, 'another one')).body.error.code).toBe('invitation_used');
    const throughB = await acceptWithPassword(fromB.body.token, 'password of the real x');
    expect(throughB.status).toBe(401);
    expect(throughB.body.error.code).toBe('login_required');
    expect(
      (await call(gateway, 'POST', '/auth/login', { body: { email: 'x@example.test', password: 'password of the real x' } })).status,
    ).toBe(401);
    const membersB = await call(gateway, 'GET', '/members', { auth: ownerB });
    expect(JSON.stringify(membersB.body)).not.toContain('x@example.test');
  });

  it('an unused invitation gives its inviter nothing once the person joins elsewhere', async () => {
    const fromA = await invite(ownerA, 'y@example.test');
    const fromB = await invite(ownerB, 'y@example.test');
    const joined = await acceptWithPassword(fromB.body.token, 'y’s own password');
    expect(joined.status).toBe(200);
    expect(joined.body.tenants).toEqual([{ id: tenantB, name: 'Globex', role: 'member', suspended: false }]);
    // A's link can neither set y's password nor log anyone in.
    const throughA = await acceptWithPassword(fromA.body.token, 'password A chose');
    expect(throughA.body.error.code).toBe('login_required');
    expect(throughA.body).not.toHaveProperty('token');
    expect((await call(gateway, 'POST', '/auth/login', { body: { email: 'y@example.test', password: 'password A chose' } })).status).toBe(
      401,
    );
  });

  it('answers an invitation the same whether or not the email has an account', async () => {
    const existing = await invite(ownerA, 'owner@globex.test', 'viewer');
    const fresh = await invite(ownerA, 'nobody-yet@example.test', 'viewer');
    expect(existing.status).toBe(201);
    expect(fresh.status).toBe(201);
    const shape = (body: Record<string, unknown>) =>
      Object.fromEntries(
        Object.entries(body).map(([name, value]) => [name, name === 'email' ? '' : String(value).replace(/\w/g, 'x').length]),
      );
    expect(Object.keys(existing.body).sort()).toEqual(['acceptUrl', 'createdAt', 'email', 'expiresAt', 'id', 'name', 'role', 'token']);
    expect(shape(existing.body)).toEqual(shape(fresh.body));
    expect(existing.body.acceptUrl).toBe(`${gateway.url}/accept-invitation#${existing.body.token}`);
    const lookups = await Promise.all(
      [existing, fresh].map((i) => call(gateway, 'POST', '/invitations/lookup', { body: { token: i.body.token } })),
    );
    expect(lookups.map((l) => Object.keys(l.body).sort())).toEqual([
      ['email', 'expiresAt', 'role', 'tenantName'],
      ['email', 'expiresAt', 'role', 'tenantName'],
    ]);
    expect(lookups[0]?.body).toMatchObject({ tenantName: 'Acme', email: 'owner@globex.test', role: 'viewer' });
    // Only the hash is stored: the database never holds the token.
    const rows = await gateway.shuttle.runtime.db.selectFrom('invitations').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(existing.body.token);
  });

  it('a person with an account has no access until they accept, logged in as themselves', async () => {
    const invited = await invite(ownerA, 'owner@globex.test', 'admin');
    const asB = await login(gateway, 'owner@globex.test', 'globex password');
    expect((await call(gateway, 'GET', '/keys', { auth: asB, headers: { 'x-shuttle-tenant-id': gateway.tenantId } })).status).toBe(404);
    expect((await call(gateway, 'GET', '/auth/me', { auth: asB })).body.tenants).toEqual([
      { id: tenantB, name: 'Globex', role: 'owner', suspended: false },
    ]);
    expect(JSON.stringify((await call(gateway, 'GET', '/members', { auth: ownerA })).body)).not.toContain('globex');

    // Setting a password through the link is refused, and the account's password is unchanged.
    expect((await acceptWithPassword(invited.body.token, 'hijacked password')).body.error.code).toBe('login_required');
    expect(
      (await call(gateway, 'POST', '/auth/login', { body: { email: 'owner@globex.test', password: 'hijacked password' } })).status,
    ).toBe(401);
    // Someone else logged in cannot take it.
    const wrongPerson = await call(gateway, 'POST', '/invitations/accept', { auth: ownerA, body: { token: invited.body.token } });
    expect(wrongPerson.status).toBe(403);
    expect(wrongPerson.body.error.code).toBe('invitation_for_another_user');

    const accepted = await call(gateway, 'POST', '/invitations/accept', { auth: asB, body: { token: invited.body.token } });
    expect(accepted.status).toBe(200);
    expect(accepted.body.tenant).toEqual({ id: gateway.tenantId, name: 'Acme', role: 'admin', suspended: false });
    expect((await call(gateway, 'GET', '/keys', { auth: asB, headers: { 'x-shuttle-tenant-id': gateway.tenantId } })).status).toBe(200);
    const again = await call(gateway, 'POST', '/invitations/accept', { auth: asB, body: { token: invited.body.token } });
    expect(again.status).toBe(410);
    expect(again.body.error.code).toBe('invitation_used');
  });

  it('a link works once, and a newer invitation for the same email replaces it', async () => {
    const first = await invite(ownerA, 'once@example.test');
    const second = await invite(ownerA, 'once@example.test', 'viewer');
    const replaced = await acceptWithPassword(first.body.token, 'my own password');
    expect(replaced.status).toBe(404);
    expect(replaced.body.error.code).toBe('invitation_not_found');
    const joined = await acceptWithPassword(second.body.token, 'my own password');
    expect(joined.status).toBe(200);
    expect(joined.body.user).toMatchObject({ email: 'once@example.test', mustChangePassword: false });
    expect((await call(gateway, 'GET', '/keys', { auth: joined.body.token })).status).toBe(200);
    const reused = await acceptWithPassword(second.body.token, 'my own password');
    expect(reused.status).toBe(410);
    expect(reused.body.error.code).toBe('invitation_used');
    expect((await call(gateway, 'POST', '/invitations/lookup', { body: { token: second.body.token } })).status).toBe(410);
    expect((await call(gateway, 'POST', '/invitations/lookup', { body: { token: 'not-a-token' } })).status).toBe(404);
  });

  it('simultaneous invitations of one email leave one working link, which one account accepts once', async () => {
    const person = await addMember(gateway, ownerA, `simultaneous-${dialect}@acme.test`, 'viewer');
    const invited = await Promise.all(Array.from({ length: 8 }, () => invite(ownerB, `simultaneous-${dialect}@acme.test`, 'admin')));
    expect(invited.map((answer) => answer.status)).toEqual(Array(8).fill(201));
    const pending = (await call(gateway, 'GET', '/invitations', { auth: ownerB })).body.data;
    expect(pending.filter((i: { email: string }) => i.email === `simultaneous-${dialect}@acme.test`)).toHaveLength(1);
    const accepted = await Promise.all(
      invited.map((answer) => call(gateway, 'POST', '/invitations/accept', { auth: person.token, body: { token: answer.body.token } })),
    );
    expect(accepted.map((answer) => answer.status).sort()).toEqual([200, 404, 404, 404, 404, 404, 404, 404]);
  });

  it('an owner who is removed, or no longer an owner, leaves no working invitation behind', async () => {
    const removed = await addMember(gateway, ownerA, `leaving-owner-${dialect}@acme.test`, 'owner');
    const demoted = await addMember(gateway, ownerA, `demoted-owner-${dialect}@acme.test`, 'owner');
    const backdoor = await invite(removed.token, `backdoor-${dialect}@example.test`, 'owner');
    const sideDoor = await invite(demoted.token, `side-door-${dialect}@example.test`, 'owner');
    const kept = await invite(ownerA, `kept-${dialect}@example.test`, 'viewer');
    expect([backdoor.status, sideDoor.status, kept.status]).toEqual([201, 201, 201]);

    expect((await call(gateway, 'DELETE', `/members/${removed.userId}`, { auth: ownerA })).status).toBe(204);
    const demotion = await call(gateway, 'PATCH', `/members/${demoted.userId}`, { auth: ownerA, body: { role: 'admin' } });
    expect(demotion.status).toBe(200);

    for (const gone of [backdoor, sideDoor]) {
      const answer = await acceptWithPassword(gone.body.token, 'walking back in');
      expect(answer.status).toBe(404);
      expect(answer.body.error.code).toBe('invitation_not_found');
    }
    const pending = (await call(gateway, 'GET', '/invitations', { auth: ownerA })).body.data.map((i: { email: string }) => i.email);
    expect(pending).toContain(`kept-${dialect}@example.test`);
    expect(pending).not.toContain(`backdoor-${dialect}@example.test`);
    const audit = await call(gateway, 'GET', '/audit-log?action=invitation.revoked&limit=200', { auth: ownerA });
    expect(audit.body.data).toContainEqual(
      expect.objectContaining({
        details: expect.objectContaining({ email: `backdoor-${dialect}@example.test`, reason: 'inviter_removed' }),
      }),
    );
    expect((await acceptWithPassword(kept.body.token, 'still welcome')).status).toBe(200);
  });

  it('owners list pending invitations without their links and revoke them', async () => {
    const invited = await invite(ownerA, 'revoked@example.test', 'viewer');
    const pending = await call(gateway, 'GET', '/invitations', { auth: ownerA });
    const listed = pending.body.data.find((i: { email: string }) => i.email === 'revoked@example.test');
    expect(listed).toMatchObject({ id: invited.body.id, role: 'viewer', expiresAt: invited.body.expiresAt });
    expect(JSON.stringify(pending.body)).not.toContain(invited.body.token);
    expect(JSON.stringify((await call(gateway, 'GET', '/invitations', { auth: ownerB })).body)).not.toContain('revoked@example.test');
    expect((await call(gateway, 'DELETE', `/invitations/${invited.body.id}`, { auth: ownerB })).status).toBe(404);

    const admin = await addMember(gateway, ownerA, `admin-${dialect}@acme.test`, 'admin');
    expect((await call(gateway, 'GET', '/invitations', { auth: admin.token })).status).toBe(403);
    expect((await call(gateway, 'DELETE', `/invitations/${invited.body.id}`, { auth: admin.token })).status).toBe(403);

    expect((await call(gateway, 'DELETE', `/invitations/${invited.body.id}`, { auth: ownerA })).status).toBe(204);
    expect((await acceptWithPassword(invited.body.token, 'too late now')).body.error.code).toBe('invitation_not_found');
    expect((await call(gateway, 'DELETE', `/invitations/${invited.body.id}`, { auth: ownerA })).status).toBe(404);
    const after = await call(gateway, 'GET', '/invitations', { auth: ownerA });
    expect(JSON.stringify(after.body)).not.toContain('revoked@example.test');
  });

  it('records invitations created, accepted and revoked, and password changes, in the audit log', async () => {
    const person = await addMember(gateway, ownerA, `audited-${dialect}@acme.test`, 'member');
    const changed = await call(gateway, 'POST', '/auth/password', {
      auth: person.token,
      body: { currentPassword: person.password, newPassword: 'a newer password' },
    });
    expect(changed.status).toBe(200);
    const audit = await call(gateway, 'GET', '/audit-log?limit=200', { auth: ownerA });
    const about = (action: string) => audit.body.data.filter((entry: { action: string }) => entry.action === action);
    expect(about('invitation.created').length).toBeGreaterThan(0);
    expect(about('invitation.revoked').length).toBeGreaterThan(0);
    expect(about('invitation.accepted')).toContainEqual(
      expect.objectContaining({ actor: expect.objectContaining({ type: 'user', id: person.userId }), ip: '127.0.0.1' }),
    );
    expect(about('auth.password_changed')).toContainEqual(expect.objectContaining({ target: { type: 'user', id: person.userId } }));
    expect(JSON.stringify(audit.body)).not.toMatch(/"token"/);
  });
});

describe.each(DIALECTS)('invitation expiry (%s)', (dialect) => {
  let gateway: TestGateway;

  beforeAll(async () => {
    gateway = await startGateway({ dialect, env: { SHUTTLE_INVITATION_TTL_SECONDS: '1' } });
  });

  afterAll(async () => {
    await gateway?.close();
  });

  it('refuses an expired invitation with 410 and drops it from the pending list', async () => {
    const owner = await login(gateway);
    const invited = await call(gateway, 'POST', '/invitations', { auth: owner, body: { email: 'late@example.test', role: 'member' } });
    expect(Date.parse(invited.body.expiresAt) - Date.parse(invited.body.createdAt)).toBe(1000);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const accepted = await call(gateway, 'POST', '/invitations/accept-with-password', {
      body: { token: invited.body.token, password: 'my own password' },
    });
    expect(accepted.status).toBe(410);
    expect(accepted.body.error).toMatchObject({ code: 'invitation_expired', message: 'This invitation has expired; ask for a new one.' });
    expect((await call(gateway, 'POST', '/invitations/lookup', { body: { token: invited.body.token } })).body.error.code).toBe(
      'invitation_expired',
    );
    expect((await call(gateway, 'GET', '/invitations', { auth: owner })).body.data).toEqual([]);
  });
});

describe.each(DIALECTS)('a password someone else set (%s)', (dialect) => {
  let gateway: TestGateway;

  beforeAll(async () => {
    gateway = await startGateway({ dialect });
    await provisionTenant(gateway.shuttle.runtime.db, {
      tenantName: 'Initech',
      email: 'printed@initech.test',
      password: 'printed in a log',
      mustChangePassword: true,
    });
  });

  afterAll(async () => {
    await gateway?.close();
  });

  it('must be changed before the session does anything else; the change ends every older session', async () => {
    const loggedIn = await call(gateway, 'POST', '/auth/login', { body: { email: 'printed@initech.test', password: 'printed in a log' } });
    expect(loggedIn.status).toBe(200);
    expect(loggedIn.body.user.mustChangePassword).toBe(true);
    const session = loggedIn.body.token as string;
    const other = await login(gateway, 'printed@initech.test', 'printed in a log');

    for (const refused of [
      await call(gateway, 'GET', '/keys', { auth: session }),
      await call(gateway, 'GET', '/tenant', { auth: session }),
      await chat(gateway, session),
      await call(gateway, 'POST', '/invitations/accept', { auth: session, body: { token: 'anything' } }),
    ]) {
      expect(refused.status).toBe(403);
      expect(refused.body.error.code).toBe('password_change_required');
    }
    const me = await call(gateway, 'GET', '/auth/me', { auth: session });
    expect(me.status).toBe(200);
    expect(me.body.user.mustChangePassword).toBe(true);

    const same = await call(gateway, 'POST', '/auth/password', {
      auth: session,
      body: { currentPassword: 'printed in a log', newPassword: 'printed in a log' },
    });
    expect(same.status).toBe(400);
    expect(same.body.error.code).toBe('password_not_changed');
    const tooShort = await call(gateway, 'POST', '/auth/password', {
      auth: session,
      body: { currentPassword: 'printed in a log', newPassword: 'short' },
    });
    expect(tooShort.status).toBe(400);

    const changed = await call(gateway, 'POST', '/auth/password', {
      auth: session,
      body: { currentPassword: 'printed in a log', newPassword: 'only I know this one' },
    });
    expect(changed.status).toBe(200);
    for (const old of [session, other]) expect((await call(gateway, 'GET', '/auth/me', { auth: old })).status).toBe(401);
    expect((await call(gateway, 'GET', '/keys', { auth: changed.body.token })).status).toBe(200);
    const again = await call(gateway, 'POST', '/auth/login', { body: { email: 'printed@initech.test', password: 'only I know this one' } });
    expect(again.body.user.mustChangePassword).toBe(false);
  });

  it('may still log out everywhere', async () => {
    await provisionTenant(gateway.shuttle.runtime.db, {
      tenantName: 'Hooli',
      email: 'temp@hooli.test',
      password: 'set by the operator',
      mustChangePassword: true,
    });
    const session = await login(gateway, 'temp@hooli.test', 'set by the operator');
    expect((await call(gateway, 'POST', '/auth/logout-all', { auth: session })).status).toBe(204);
    expect((await call(gateway, 'GET', '/auth/me', { auth: session })).status).toBe(401);
  });
});

describe.each(DIALECTS)('upgrading a database from before invitations (%s)', (dialect) => {
  it('makes everyone who joined with a one-time password change it, but not the owners who chose theirs', async () => {
    const database = await freshDatabase(dialect);
    const db = await openDatabase(database.url);
    const schema = dialect === 'postgres' ? parsePostgresUrl(database.url).schema : undefined;
    await new Migrator({ db, provider: migrationProvider, ...(schema ? { migrationTableSchema: schema } : {}) }).migrateTo('0005-flows');
    // What the code before invitations did: an owner made with each tenant, a new email invited with a password its
    // inviter saw, and an existing account added to a second tenant.
    const now = Date.now();
    const hash = await hashPassword('old password');
    await db
      .insertInto('tenants')
      .values([
        { id: 'ten_old_acme', name: 'Old Acme', plan: 'free', settings: '{}', created_at: now },
        { id: 'ten_old_globex', name: 'Old Globex', plan: 'free', settings: '{}', created_at: now },
      ])
      .execute();
    await db
      .insertInto('users')
      .values(
        ['founder', 'boss', 'invited'].map((name) => ({
          id: `usr_${name}`,
          email: `${name}@old.test`,
          name: null,
          password_hash: hash,
          created_at: now,
        })),
      )
      .execute();
    await db
      .insertInto('memberships')
      .values([
        { tenant_id: 'ten_old_acme', user_id: 'usr_founder', role: 'owner', created_at: now },
        { tenant_id: 'ten_old_globex', user_id: 'usr_boss', role: 'owner', created_at: now },
        { tenant_id: 'ten_old_acme', user_id: 'usr_invited', role: 'member', created_at: now },
        { tenant_id: 'ten_old_globex', user_id: 'usr_founder', role: 'viewer', created_at: now },
      ])
      .execute();
    const actor = { type: 'user' as const, id: 'usr_founder', label: 'founder@old.test', ip: null };
    await new AuditLogRepository(db).record('ten_old_acme', actor, { action: 'member.added', targetType: 'user', targetId: 'usr_invited' });
    await new AuditLogRepository(db).record('ten_old_globex', actor, {
      action: 'member.added',
      targetType: 'user',
      targetId: 'usr_founder',
    });
    await db.destroy();

    const gateway = await startGateway({ dialect, database });
    try {
      const flagged = async (email: string, password: string) =>
        (await call(gateway, 'POST', '/auth/login', { body: { email, password } })).body.user.mustChangePassword;
      expect(await flagged('invited@old.test', 'old password')).toBe(true);
      expect(await flagged('founder@old.test', 'old password')).toBe(false);
      expect(await flagged('boss@old.test', 'old password')).toBe(false);
      expect(await flagged(OWNER.email, OWNER.password)).toBe(false);
    } finally {
      await gateway.close();
    }
  });
  it('keeps a one-time-password account only in the tenant that made it: the owners of the others invite it again', async () => {
    const database = await freshDatabase(dialect);
    const db = await openDatabase(database.url);
    const schema = dialect === 'postgres' ? parsePostgresUrl(database.url).schema : undefined;
    await new Migrator({ db, provider: migrationProvider, ...(schema ? { migrationTableSchema: schema } : {}) }).migrateTo('0005-flows');
    // Before invitations: Acme's owner invited shared@ and saw its one-time password; Globex later added the same
    // account, which Acme's owner could then use to act in Globex.
    const made = Date.now() - 60_000;
    const hash = await hashPassword('one-time password');
    await db
      .insertInto('tenants')
      .values([
        { id: 'ten_acme', name: 'Acme', plan: 'free', settings: '{}', created_at: made },
        { id: 'ten_globex', name: 'Globex', plan: 'free', settings: '{}', created_at: made },
        { id: 'ten_initech', name: 'Initech', plan: 'free', settings: '{}', created_at: made },
      ])
      .execute();
    await db
      .insertInto('users')
      .values(
        ['founder', 'boss', 'shared'].map((name) => ({
          id: `usr_${name}`,
          email: `${name}@old.test`,
          name: null,
          password_hash: hash,
          created_at: made,
        })),
      )
      .execute();
    await db
      .insertInto('memberships')
      .values([
        { tenant_id: 'ten_acme', user_id: 'usr_founder', role: 'owner', created_at: made },
        { tenant_id: 'ten_globex', user_id: 'usr_boss', role: 'owner', created_at: made },
        { tenant_id: 'ten_acme', user_id: 'usr_shared', role: 'member', created_at: made + 1_000 },
        { tenant_id: 'ten_globex', user_id: 'usr_shared', role: 'admin', created_at: made + 2_000 },
        // Initech's only owner stays: without one, nobody could invite anyone there again.
        { tenant_id: 'ten_initech', user_id: 'usr_shared', role: 'owner', created_at: made + 3_000 },
      ])
      .execute();
    const audit = new AuditLogRepository(db);
    const by = (id: string) => ({ type: 'user' as const, id: `usr_${id}`, label: `${id}@old.test`, ip: null });
    await audit.record('ten_acme', by('founder'), { action: 'member.added', targetType: 'user', targetId: 'usr_shared' });
    await audit.record('ten_globex', by('boss'), { action: 'member.added', targetType: 'user', targetId: 'usr_shared' });
    await audit.record('ten_initech', by('boss'), { action: 'member.added', targetType: 'user', targetId: 'usr_shared' });
    await db.destroy();

    const gateway = await startGateway({ dialect, database });
    try {
      // Whoever logs in with the one-time password first — its real owner, or Acme's owner — gets Acme only.
      const asShared = await call(gateway, 'POST', '/auth/login', { body: { email: 'shared@old.test', password: 'one-time password' } });
      expect(asShared.body.tenants.map((t: { id: string }) => t.id)).toEqual(['ten_acme', 'ten_initech']);
      const changed = await call(gateway, 'POST', '/auth/password', {
        auth: asShared.body.token,
        body: { currentPassword: 'one-time password', newPassword: 'chosen after the upgrade' },
      });
      const intoGlobex = await call(gateway, 'GET', '/tenant', {
        auth: changed.body.token,
        headers: { 'x-shuttle-tenant-id': 'ten_globex' },
      });
      expect(intoGlobex.status).toBe(404);

      const boss = await login(gateway, 'boss@old.test', 'one-time password');
      const members = await call(gateway, 'GET', '/members', { auth: boss });
      expect(members.body.data.map((m: { email: string }) => m.email)).toEqual(['boss@old.test']);
      const log = await call(gateway, 'GET', '/audit-log?action=member.removed', { auth: boss });
      expect(log.body.data).toEqual([
        expect.objectContaining({
          actor: expect.objectContaining({ type: 'system' }),
          target: { type: 'user', id: 'usr_shared' },
          details: expect.objectContaining({ email: 'shared@old.test', role: 'admin', reason: 'password_known_to_another_tenant' }),
        }),
      ]);
      const again = await call(gateway, 'POST', '/invitations', { auth: boss, body: { email: 'shared@old.test', role: 'admin' } });
      expect(again.status).toBe(201);
    } finally {
      await gateway.close();
    }
  });
});
