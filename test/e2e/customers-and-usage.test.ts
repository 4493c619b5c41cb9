// A request made for a customer shows up on the Customers and Usage pages, and "Export CSV" downloads the API's CSV.
import { readFile } from 'node:fs/promises';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, OWNER } from '../helpers/api.js';
import { type FakeUpstream, startFakeOpenAi } from '../helpers/fake-openai.js';
import { flushUsage, postJson, startGateway, type TestGateway } from '../helpers/gateway.js';
import { dialog, launchBrowser, logIn, newContext } from './support/browser.js';

const DAY = 86_400_000;

describe('customers and usage', () => {
  let upstream: FakeUpstream;
  let gateway: TestGateway;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    upstream = await startFakeOpenAi();
    [gateway, browser] = await Promise.all([
      startGateway({ env: { OPENAI_API_KEY: 'sk-upstream-test', OPENAI_BASE_URL: upstream.baseUrl } }),
      launchBrowser(),
    ]);
    const body = { model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'Hello' }] };
    expect((await postJson(gateway, '/chat/completions', body, { 'x-shuttle-customer-id': 'acme-corp-42' })).status).toBe(200);
    expect((await postJson(gateway, '/chat/completions', body, { 'x-shuttle-customer-id': 'acme-corp-42' })).status).toBe(200);
    expect((await postJson(gateway, '/chat/completions', body, { 'x-shuttle-customer-id': 'globex-7' })).status).toBe(200);
    await flushUsage(gateway);
    context = await newContext(browser, gateway);
    page = await context.newPage();
    await logIn(page, OWNER.email, OWNER.password);
  });

  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
    await upstream?.close();
  });

  it('shows the overview with the traffic instead of the first-request guide', async () => {
    await page.getByRole('region', { name: 'Requests', exact: true }).getByText('3', { exact: true }).waitFor();
    const topCustomers = page.getByRole('region', { name: 'Top customers' });
    await topCustomers.getByRole('link', { name: 'acme-corp-42' }).waitFor();
    expect(await page.getByRole('heading', { name: 'Make your first request' }).count()).toBe(0);
  });

  it('lists the customer named by X-Shuttle-Customer-Id, searchable, with its requests and spend', async () => {
    await page.getByRole('link', { name: 'Customers' }).click();
    const row = page.getByRole('row', { name: /acme-corp-42/ });
    await row.waitFor();
    const cells = await row.getByRole('cell').allInnerTexts();
    expect(cells[1]).toBe('2');
    expect(cells[2]).toMatch(/^\$0\.\d+/);

    await page.getByLabel('Search customers').fill('globex');
    await page.getByRole('row', { name: /acme-corp-42/ }).waitFor({ state: 'detached' });
    await page.getByRole('row', { name: /globex-7/ }).waitFor();
    expect(new URL(page.url()).searchParams.get('search')).toBe('globex');
  });

  it('opens the customer page, where blocking makes the API refuse its requests', async () => {
    await page.goto('/customers/acme-corp-42');
    await page.getByRole('heading', { name: 'acme-corp-42', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Block' }).click();
    await dialog(page, /Block acme-corp-42/)
      .getByRole('button', { name: 'Block' })
      .click();
    await page.getByRole('button', { name: 'Unblock' }).waitFor();

    const body = { model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'Hello' }] };
    const refused = await postJson(gateway, '/chat/completions', body, { 'x-shuttle-customer-id': 'acme-corp-42' });
    expect(refused.status).toBe(403);

    await page.getByRole('button', { name: 'Unblock' }).click();
    // Exact: "Block" alone would also match the Unblock button that is still there until the change is saved.
    await page.getByRole('button', { name: 'Block', exact: true }).waitFor();
    expect((await postJson(gateway, '/chat/completions', body, { 'x-shuttle-customer-id': 'acme-corp-42' })).status).toBe(200);
    await flushUsage(gateway);
  });

  it('shows the customer in Usage grouped by customer', async () => {
    await page.getByRole('link', { name: 'Usage' }).click();
    await page.getByLabel('Group by').selectOption('customer');
    const row = page.getByRole('row', { name: /acme-corp-42/ });
    await row.waitFor();
    // Two requests, the one refused while blocked (an error), and one after unblocking.
    const [requests, errors] = await row.getByRole('cell').allInnerTexts();
    expect([requests, errors]).toEqual(['4', '1']);
    expect(new URL(page.url()).searchParams.get('groupBy')).toBe('customer');
  });

  it('exports the same CSV the API answers', async () => {
    await page.goto('/usage?range=7d');
    await page.getByRole('heading', { name: 'Breakdown' }).waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
    const downloaded = await readFile((await download.path()) as string, 'utf8');

    const tomorrow = Math.floor(Date.now() / DAY) * DAY + DAY;
    const day = (epochMs: number) => new Date(epochMs).toISOString().slice(0, 10);
    const session = await call(gateway, 'POST', '/auth/login', { body: OWNER });
    const response = await fetch(`${gateway.api}/usage?from=${day(tomorrow - 7 * DAY)}&to=${day(tomorrow)}&groupBy=day&format=csv`, {
      headers: { authorization: `Bearer ${session.body.token}` },
    });
    const expected = await response.text();
    expect(download.suggestedFilename()).toBe(/filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1]);
    expect(downloaded).toBe(expected);
    expect(downloaded.split('\n')[0]).toMatch(/^day,requests,errors/);
  });
});
