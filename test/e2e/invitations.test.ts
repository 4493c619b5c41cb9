// Invitations and passwords in the browser: revoking, accepting with an existing account, changing the password from
// the account menu, being made to change one someone else set; all axe-clean.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provisionTenant } from '../../src/auth/provisioning.js';
import { call, login, OWNER } from '../helpers/api.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { seriousViolations } from './support/axe.js';
import { dialog, expectNoPageErrors, failOnPageErrors, launchBrowser, logIn, newContext } from './support/browser.js';

describe('invitations and passwords', () => {
  let gateway: TestGateway;
  let browser: Browser;
  let owner: string;

  beforeAll(async () => {
    [gateway, browser] = await Promise.all([startGateway(), launchBrowser()]);
    owner = await login(gateway);
  });

  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
  });

  const freshPage = async (): Promise<Page> => (await newContext(browser, gateway)).newPage();
  const invite = async (email: string, role = 'member') =>
    (await call(gateway, 'POST', '/invitations', { auth: owner, body: { email, role } })).body as {
      id: string;
      token: string;
      acceptUrl: string;
    };

  it('revokes a pending invitation, whose link then says so', async () => {
    const invited = await invite('revoke-me@example.test');
    const page = await freshPage();
    await logIn(page, OWNER.email, OWNER.password, '/settings/members');
    const pending = page.getByRole('region', { name: 'Pending invitations' });
    const row = pending.getByRole('row', { name: /revoke-me@example\.test/ });
    await row.getByRole('button', { name: 'Revoke invitation' }).click();
    await page.getByText('Invitation for revoke-me@example.test revoked', { exact: true }).waitFor();
    await row.waitFor({ state: 'detached' });

    const invitee = await freshPage();
    await invitee.goto(invited.acceptUrl);
    await invitee.getByRole('heading', { name: 'Accept invitation' }).waitFor();
    await invitee.getByRole('alert').filter({ hasText: 'This invitation link is not valid' }).waitFor();
    expect(await invitee.getByRole('button', { name: 'Accept invitation' }).count()).toBe(0);
  });

  it('someone who already has an account logs in from the link and accepts', async () => {
    await provisionTenant(gateway.shuttle.runtime.db, { tenantName: 'Globex', email: 'boss@globex.test', password: 'globex password' });
    const invited = await invite('boss@globex.test', 'viewer');
    const page = await freshPage();
    const errors = failOnPageErrors(page);
    await page.goto(invited.acceptUrl);
    await page.getByText('Acme', { exact: true }).waitFor();
    await page.getByRole('link', { name: 'Log in to accept' }).click();
    await page.getByLabel('Email').fill('boss@globex.test');
    await page.getByLabel('Password').fill('globex password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Accept invitation' }).waitFor();
    await page.getByRole('button', { name: 'Accept invitation' }).click();
    await page.getByRole('button', { name: /Tenant: Acme/ }).waitFor();
    const me = await call(gateway, 'GET', '/auth/me', { auth: await login(gateway, 'boss@globex.test', 'globex password') });
    expect(me.body.tenants.map((t: { name: string; role: string }) => `${t.name}:${t.role}`).sort()).toEqual([
      'Acme:viewer',
      'Globex:owner',
    ]);
    await expectNoPageErrors(errors);
  });

  it('changes the password on the Account page from the account menu; other sessions end, this one carries on', async () => {
    const invited = await invite('changer@example.test');
    await call(gateway, 'POST', '/invitations/accept-with-password', { body: { token: invited.token, password: 'first password' } });
    const elsewhere = await login(gateway, 'changer@example.test', 'first password');
    const page = await freshPage();
    const errors = failOnPageErrors(page);
    await logIn(page, 'changer@example.test', 'first password');
    await page.getByRole('button', { name: /Account/ }).click();
    await page.getByRole('menuitem', { name: 'Account' }).click();
    await page.getByRole('heading', { name: 'Account', level: 1 }).waitFor();
    expect(await page.title()).toBe('Account · Shuttle');
    const password = page.getByRole('region', { name: 'Change password' });
    expect(await password.innerText()).toContain('ends every other session of changer@example.test, on every device');
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByLabel('Current password').fill('not it');
    await page.getByLabel('New password', { exact: true }).fill('second password');
    await page.getByLabel('Confirm new password').fill('second password');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByRole('alert').filter({ hasText: 'The current password is not correct.' }).waitFor();
    await page.getByLabel('Current password').fill('first password');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('Password changed; your other sessions have ended').first().waitFor();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'API keys' }).click();
    await page.getByRole('heading', { name: 'Sub-keys', exact: true }).waitFor();
    expect((await call(gateway, 'GET', '/auth/me', { auth: elsewhere })).status).toBe(401);
    expect(
      (await call(gateway, 'POST', '/auth/login', { body: { email: 'changer@example.test', password: 'second password' } })).status,
    ).toBe(200);
    await expectNoPageErrors(errors);
  });

  it('makes someone whose password was set by another change it before anything else', async () => {
    await provisionTenant(gateway.shuttle.runtime.db, {
      tenantName: 'Initech',
      email: 'printed@initech.test',
      password: 'printed in a log',
      mustChangePassword: true,
    });
    const page = await freshPage();
    await page.goto('/keys');
    await page.getByLabel('Email').fill('printed@initech.test');
    await page.getByLabel('Password').fill('printed in a log');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Change password' }).waitFor();
    await page.getByText('Your password was set by someone else').waitFor();
    expect(await page.getByRole('navigation', { name: 'Main' }).count()).toBe(0);
    await page.getByLabel('Current password').fill('printed in a log');
    await page.getByLabel('New password', { exact: true }).fill('mine and only mine');
    await page.getByLabel('Confirm new password').fill('mine and not mine');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByRole('alert').filter({ hasText: 'do not match' }).waitFor();
    await page.getByLabel('Confirm new password').fill('mine and only mine');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByRole('heading', { name: 'Sub-keys', exact: true }).waitFor();
  });

  it('finds nothing serious on the members page with pending invitations, nor in the dialog that shows the link', async () => {
    await invite('pending@example.test');
    const page = await freshPage();
    await logIn(page, OWNER.email, OWNER.password, '/settings/members');
    await page
      .getByRole('region', { name: 'Pending invitations' })
      .getByRole('row', { name: /pending@example\.test/ })
      .waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Invite member' }).click();
    const form = dialog(page, 'Invite member');
    await form.getByLabel('Email').fill('axe-dialog@example.test');
    await form.getByRole('button', { name: 'Invite' }).click();
    await dialog(page, 'axe-dialog@example.test invited').getByRole('button', { name: 'Copy' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('finds nothing serious on the accept-invitation page', async () => {
    const invited = await invite('axe@example.test');
    const page = await freshPage();
    await page.goto(invited.acceptUrl);
    await page.getByRole('button', { name: 'Accept invitation' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
  });
});
