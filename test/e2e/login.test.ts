// Logging in and out in the browser: the form, wrong passwords, throttling, reloads and the token's expiry.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, login, OWNER } from '../helpers/api.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { launchBrowser, logIn, newContext } from './support/browser.js';

describe('logging in', () => {
  let gateway: TestGateway;
  let browser: Browser;

  beforeAll(async () => {
    [gateway, browser] = await Promise.all([startGateway(), launchBrowser()]);
  });

  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
  });

  it('opens the overview, survives a reload, and "Log out" ends the session', async () => {
    const page = await (await newContext(browser, gateway)).newPage();
    await logIn(page, OWNER.email, OWNER.password);
    expect(new URL(page.url()).pathname).toBe('/');
    await page.getByRole('heading', { name: 'Overview' }).waitFor();

    await page.reload();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/');

    await page.getByRole('button', { name: 'Account' }).click();
    await page.getByRole('menuitem', { name: 'Log out', exact: true }).click();
    await page.getByRole('button', { name: 'Log in' }).waitFor();
    expect(await page.evaluate('localStorage.getItem("shuttle.session")')).toBeNull();
    await page.goto('/keys');
    await page.getByRole('button', { name: 'Log in' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/login');
  });

  it('says so when the password is wrong', async () => {
    const page = await (await newContext(browser, gateway)).newPage();
    await page.goto('/login');
    await page.getByLabel('Email').fill(OWNER.email);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Log in' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.innerText()).toMatch(/Wrong email or password/);
  });

  it('says how long to wait when logins are throttled', async () => {
    const email = 'someone@acme.test';
    for (let i = 0; i < 5; i++) await call(gateway, 'POST', '/auth/login', { body: { email, password: 'guess' } });
    const page = await (await newContext(browser, gateway)).newPage();
    await page.goto('/login');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('guess again');
    await page.getByRole('button', { name: 'Log in' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.innerText()).toMatch(/Try again in \d+ minutes?/);
  });

  it('goes back to the page the person was on after logging in', async () => {
    const page = await (await newContext(browser, gateway)).newPage();
    await page.goto('/usage?range=30d');
    await page.getByRole('button', { name: 'Log in' }).waitFor();
    await page.getByLabel('Email').fill(OWNER.email);
    await page.getByLabel('Password').fill(OWNER.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Usage', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe('/usage?range=30d');
  });
});

describe('a session at its expiry', () => {
  let gateway: TestGateway;
  let browser: Browser;

  beforeAll(async () => {
    [gateway, browser] = await Promise.all([startGateway({ env: { SHUTTLE_SESSION_TTL_SECONDS: '3' } }), launchBrowser()]);
  });

  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
  });

  it('ends: back to the login, then back to the page', async () => {
    const page = await (await newContext(browser, gateway)).newPage();
    await logIn(page, OWNER.email, OWNER.password);
    await page.getByRole('link', { name: 'Customers' }).click();
    await page.getByRole('heading', { name: 'Customers', level: 1 }).waitFor();

    await page.getByText('Your session has ended').waitFor({ timeout: 8_000 });
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.getByLabel('Email').fill(OWNER.email);
    await page.getByLabel('Password').fill(OWNER.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Customers', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/customers');
  });
});

describe('a person in several tenants', () => {
  let gateway: TestGateway;
  let browser: Browser;

  beforeAll(async () => {
    [gateway, browser] = await Promise.all([startGateway(), launchBrowser()]);
  });

  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
  });

  it('switches tenant from the header', async () => {
    const { provisionTenant } = await import('../../src/auth/provisioning.js');
    const other = await provisionTenant(gateway.shuttle.runtime.db, {
      tenantName: 'Globex',
      email: 'boss@globex.test',
      password: 'globex password',
    });
    const session = await call(gateway, 'POST', '/auth/login', { body: { email: 'boss@globex.test', password: 'globex password' } });
    const invited = await call(gateway, 'POST', '/invitations', {
      auth: session.body.token,
      headers: { 'x-shuttle-tenant-id': other.tenant.id },
      body: { email: OWNER.email, role: 'viewer' },
    });
    expect(invited.status).toBe(201);
    const accepted = await call(gateway, 'POST', '/invitations/accept', {
      auth: await login(gateway),
      body: { token: invited.body.token },
    });
    expect(accepted.status).toBe(200);

    const page = await (await newContext(browser, gateway)).newPage();
    await logIn(page, OWNER.email, OWNER.password);
    await page.getByRole('button', { name: /Switch tenant/ }).click();
    await page.getByRole('menuitemradio', { name: /Globex/ }).click();
    await page.getByRole('button', { name: /Tenant: Globex/ }).waitFor();
    await page.getByRole('link', { name: 'Settings' }).click();
    // The settings load after the page shows: wait for the field to be filled rather than read it once.
    await expect.poll(() => page.getByLabel('Tenant name').inputValue()).toBe('Globex');
  });
});
