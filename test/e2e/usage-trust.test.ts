// Issue 27 points 1, 2 and 6, as a person sees them: a new tenant told there is no traffic yet; filters that apply as
// you type, as chips, in the URL, and exported exactly; rows without a model labelled; "1 request"; and never a
// blank page — an error view with "Reload", and the last data kept under an "offline" banner.
import { readFile } from 'node:fs/promises';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, chat, login, OWNER } from '../helpers/api.js';
import { flushUsage, startGateway, type TestGateway } from '../helpers/gateway.js';
import { seriousViolations } from './support/axe.js';
import { launchBrowser, logIn, newContext } from './support/browser.js';

describe('usage you can trust, filters as you type, never a blank page', () => {
  let gateway: TestGateway;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    [gateway, browser] = await Promise.all([startGateway(), launchBrowser()]);
    context = await newContext(browser, gateway);
    page = await context.newPage();
    await logIn(page, OWNER.email, OWNER.password);
  });

  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
  });

  it('tells a brand-new tenant there is no traffic yet, and an empty chart says so', async () => {
    await page.goto('/usage');
    await page.getByRole('heading', { name: 'No traffic yet' }).waitFor();
    await page.getByText('No requests in this period.').waitFor();
    expect(await page.getByText('No requests match these filters').count()).toBe(0);
  });

  it('labels requests refused before routing, and counts "1 request"', async () => {
    const owner = await login(gateway);
    expect((await chat(gateway, gateway.masterKey, { 'x-shuttle-customer-id': 'alice' })).status).toBe(200);
    expect((await chat(gateway, gateway.masterKey, { 'x-shuttle-customer-id': 'alice' })).status).toBe(200);
    expect((await chat(gateway, gateway.masterKey, { 'x-shuttle-customer-id': 'bob' })).status).toBe(200);
    expect((await call(gateway, 'POST', '/customers', { auth: owner, body: { externalId: 'carol', blocked: true } })).status).toBe(201);
    expect((await chat(gateway, gateway.masterKey, { 'x-shuttle-customer-id': 'carol' })).status).toBe(403);
    await flushUsage(gateway);

    await page.goto('/usage?groupBy=model');
    const refused = page.getByRole('row', { name: /No model — refused before routing/ });
    await refused.waitFor();
    expect((await refused.getByRole('cell').allInnerTexts()).slice(0, 2)).toEqual(['1', '1']);
    await page.getByRole('row', { name: /mock\/echo/ }).waitFor();

    await page.goto('/');
    const topModels = page.getByRole('region', { name: 'Top models' });
    await topModels.getByText('No model — refused before routing').waitFor();
    await topModels.getByText('1 request', { exact: true }).waitFor();
    expect(await page.getByText('1 requests').count()).toBe(0);
  });

  it('applies a typed filter without Enter, shows it as a chip, keeps it in the URL and exports exactly it', async () => {
    await page.goto('/usage?groupBy=customer');
    await page.getByRole('row', { name: /bob/ }).waitFor();
    await page.getByLabel('Customer', { exact: true }).fill('alice');
    const chips = page.getByRole('list', { name: 'Active filters' });
    await chips.getByText('Customer: alice').waitFor();
    await page.getByRole('row', { name: /bob/ }).waitFor({ state: 'detached' });
    expect(new URL(page.url()).searchParams.get('customer')).toBe('alice');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
    const lines = (await readFile((await download.path()) as string, 'utf8')).trimEnd().split('\r\n');
    expect(lines[0]).toMatch(/^customer,requests,/);
    expect(lines.slice(1).map((line) => line.split(',').slice(0, 2).join(','))).toEqual(['alice,2']);

    await page.getByRole('button', { name: 'Remove filter Customer: alice' }).click();
    await page.getByRole('row', { name: /bob/ }).waitFor();
    expect(new URL(page.url()).searchParams.has('customer')).toBe(false);
    expect(await page.getByLabel('Customer', { exact: true }).inputValue()).toBe('');
  });

  it('offers a custom range beside the presets, kept in the URL', async () => {
    await page.goto('/usage?range=7d');
    await page.getByLabel('Range').selectOption('custom');
    await page.getByLabel('From').waitFor();
    const url = new URL(page.url());
    expect(url.searchParams.has('range')).toBe(false);
    expect(url.searchParams.get('from')).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    const from = new Date(Date.now() - 2 * 3_600_000);
    const local = new Date(from.getTime() - from.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
    await page.getByLabel('From').fill(local);
    await page.waitForURL((next) => next.searchParams.get('from')?.slice(0, 16) === from.toISOString().slice(0, 16));
    // Two hours: grouped by hour, with the requests made just now.
    await expect.poll(() => page.getByLabel('Group by').inputValue()).toBe('hour');
    await page.getByRole('cell', { name: '4', exact: true }).first().waitFor();
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('searches customers as you type, with the search as a removable chip', async () => {
    await page.goto('/customers');
    await page.getByLabel('Search customers').fill('ali');
    await page.getByRole('list', { name: 'Active filters' }).getByText('Search: “ali”').waitFor();
    await page.getByRole('row', { name: /bob/ }).waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Remove filter Search: “ali”' }).click();
    await page.getByRole('row', { name: /bob/ }).waitFor();
    expect(new URL(page.url()).searchParams.has('search')).toBe(false);
  });

  it('keeps the last data under an "offline" banner while the server is unreachable', async () => {
    await page.goto('/usage?groupBy=customer');
    await page.getByRole('row', { name: /bob/ }).waitFor();
    await page.route('**/api/v1/**', (route) => route.abort('connectionrefused'));
    await page.getByLabel('Group by').selectOption('model');
    await page
      .getByRole('status')
      .filter({ hasText: /offline/ })
      .waitFor();
    // Once the retries have given up too, the last report is still there, not zeros or placeholders.
    await page.getByRole('alert').filter({ hasText: 'Could not reach the server' }).waitFor();
    await page.getByRole('row', { name: /bob/ }).waitFor();
    expect(await page.getByRole('heading', { name: 'This page could not load' }).count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);

    await page.unroute('**/api/v1/**');
    await page.getByRole('row', { name: /mock\/echo/ }).waitFor({ timeout: 15_000 });
    expect(
      await page
        .getByRole('status')
        .filter({ hasText: /offline/ })
        .count(),
    ).toBe(0);
  });

  it('keeps the overview as it was when another range cannot be loaded', async () => {
    await page.goto('/?range=7d');
    const topCustomers = page.getByRole('region', { name: 'Top customers' });
    await topCustomers.getByRole('link', { name: 'alice' }).waitFor();
    await page.route('**/api/v1/**', (route) => route.abort('connectionrefused'));
    await page.getByRole('button', { name: '30 days' }).click();
    await page.getByRole('alert').filter({ hasText: 'Could not reach the server' }).waitFor();
    await page
      .getByRole('status')
      .filter({ hasText: /offline/ })
      .waitFor();
    await topCustomers.getByRole('link', { name: 'alice' }).waitFor();
    await page.getByRole('region', { name: 'Requests', exact: true }).getByText('4', { exact: true }).waitFor();
    await page.unroute('**/api/v1/**');
  });

  it("shows an error view with Reload inside the app shell when a page's code can't load", async () => {
    const fresh = await context.newPage();
    await fresh.goto('/');
    await fresh.getByRole('navigation', { name: 'Main' }).waitFor();
    await fresh.route(/\/assets\/customers-page-[^/]+\.js$/, (route) => route.abort('connectionrefused'));
    await fresh.getByRole('link', { name: 'Customers' }).click();
    const error = fresh.getByRole('alert').filter({ has: fresh.getByRole('heading', { name: 'This page could not load' }) });
    await error.waitFor();
    // Inside the shell: the navigation is still there.
    await fresh.getByRole('navigation', { name: 'Main' }).waitFor();
    expect(await seriousViolations(fresh)).toEqual([]);

    // Another page works; coming back, only a new page load fetches the code again.
    await fresh.getByRole('link', { name: 'Usage' }).click();
    await fresh.getByRole('heading', { name: 'Breakdown' }).waitFor();
    expect(await error.count()).toBe(0);
    await fresh.getByRole('link', { name: 'Customers' }).click();
    await error.waitFor();

    await fresh.unroute(/\/assets\/customers-page-[^/]+\.js$/);
    await error.getByRole('button', { name: 'Reload' }).click();
    await fresh.getByRole('row', { name: /alice/ }).waitFor();
    await fresh.close();
  });

  it("shows the error view when a page's data can't load, and Reload asks again", async () => {
    const fresh = await context.newPage();
    let failing = true;
    await fresh.route('**/api/v1/usage?**', (route) =>
      failing
        ? route.fulfill({
            status: 400,
            contentType: 'application/json',
            body: JSON.stringify({ error: { message: 'Usage is resting.', type: 'invalid_request_error', code: null, param: null } }),
          })
        : route.fallback(),
    );
    await fresh.goto('/usage');
    const error = fresh.getByRole('alert').filter({ has: fresh.getByRole('heading', { name: 'This page could not load' }) });
    await error.getByText('Usage is resting.').waitFor();
    failing = false;
    await error.getByRole('button', { name: 'Reload' }).click();
    await fresh.getByRole('heading', { name: 'Breakdown' }).waitFor();
    await fresh.close();
  });

  it.each([
    { path: '/keys', api: /\/api\/v1\/keys(\?|$)/, loaded: { role: 'heading', name: 'Sub-keys' } },
    { path: '/flows', api: /\/api\/v1\/flows(\?|$)/, loaded: { role: 'heading', name: 'No flows yet' } },
  ] as const)('shows the error view on $path when its data cannot load, and Reload asks again', async ({ path, api, loaded }) => {
    const fresh = await context.newPage();
    let failing = true;
    await fresh.route(api, (route) =>
      failing
        ? route.fulfill({
            status: 400,
            contentType: 'application/json',
            body: JSON.stringify({ error: { message: 'Resting for a test.', type: 'invalid_request_error', code: null, param: null } }),
          })
        : route.fallback(),
    );
    await fresh.goto(path);
    const error = fresh.getByRole('alert').filter({ has: fresh.getByRole('heading', { name: 'This page could not load' }) });
    await error.getByText('Resting for a test.').waitFor();
    await fresh.getByRole('navigation', { name: 'Main' }).waitFor();
    failing = false;
    await error.getByRole('button', { name: 'Reload' }).click();
    await fresh.getByRole(loaded.role, { name: loaded.name }).first().waitFor();
    expect(await error.count()).toBe(0);
    await fresh.close();
  });

  it('keeps the chips, the custom range, the offline banner and the error view axe clean and within a phone, in dark mode', async () => {
    const phone = await (await newContext(browser, gateway, { viewport: { width: 390, height: 844 }, colorScheme: 'dark' })).newPage();
    await logIn(phone, OWNER.email, OWNER.password, '/login?next=%2Fusage%3FgroupBy%3Dcustomer%26customer%3Dalice%26status%3Dsuccess');
    await phone.getByRole('list', { name: 'Active filters' }).getByText('Customer: alice').waitFor();
    await phone.getByLabel('Range').selectOption('custom');
    await phone.getByLabel('From').waitFor();
    await phone.getByRole('row', { name: /alice/ }).waitFor();
    await phone.route('**/api/v1/**', (route) => route.abort('connectionrefused'));
    await phone.getByLabel('Group by').selectOption('model');
    await phone
      .getByRole('status')
      .filter({ hasText: /offline/ })
      .waitFor();
    expect(await seriousViolations(phone)).toEqual([]);
    expect((await phone.evaluate('document.documentElement.scrollWidth')) as number).toBeLessThanOrEqual(390);

    // Unreachable with nothing loaded yet: the error view, not endless placeholders.
    await phone.goto('/customers');
    await phone.getByRole('heading', { name: 'This page could not load' }).waitFor();
    expect(await seriousViolations(phone)).toEqual([]);
    expect((await phone.evaluate('document.documentElement.scrollWidth')) as number).toBeLessThanOrEqual(390);
    await phone.close();
  });
});
