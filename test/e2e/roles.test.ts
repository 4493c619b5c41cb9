// Members and viewers see the dashboard read-only: none of the buttons the API would refuse them.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, call, chat, login } from '../helpers/api.js';
import { flushUsage, startGateway, type TestGateway } from '../helpers/gateway.js';
import { dialog, launchBrowser, logIn, newContext } from './support/browser.js';
import { flushRequestLog } from './support/tour.js';

describe.each(['viewer', 'member'] as const)('a %s', (role) => {
  let gateway: TestGateway;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    [gateway, browser] = await Promise.all([startGateway(), launchBrowser()]);
    const owner = await login(gateway);
    const added = await addMember(gateway, owner, `${role}@acme.test`, role);
    await call(gateway, 'POST', '/keys', { auth: owner, body: { name: 'Production Server' } });
    await chat(gateway, gateway.masterKey, { 'x-shuttle-customer-id': 'acme-corp-42' });
    await flushUsage(gateway);
    await flushRequestLog(gateway);
    page = await (await newContext(browser, gateway)).newPage();
    await logIn(page, `${role}@acme.test`, added.password);
  });

  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
  });

  it('sees the keys without Regenerate, Create, Rename or Delete', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'API keys' }).click();
    await page.getByRole('row', { name: /Production Server/ }).waitFor();
    await page.getByRole('region', { name: 'Master key' }).waitFor();
    for (const name of ['Regenerate', 'Create sub-key', 'Rename', 'Delete']) {
      expect(await page.getByRole('button', { name }).count(), name).toBe(0);
    }
  });

  it('sees a customer without Block, Delete or save buttons', async () => {
    await page.goto('/customers/acme-corp-42');
    await page.getByRole('heading', { name: 'acme-corp-42', level: 1 }).waitFor();
    await page.getByRole('heading', { name: 'Limits' }).waitFor();
    for (const name of ['Block', 'Unblock', 'Delete', 'Save limits', 'Save details']) {
      expect(await page.getByRole('button', { name }).count(), name).toBe(0);
    }
  });

  it('reads the request log, prompt and answer included', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Logs' }).click();
    const row = page.getByRole('table', { name: 'Requests' }).getByRole('row', { name: /acme-corp-42/ });
    await row.getByRole('link').click();
    const bubbles = dialog(page, /^Request /)
      .getByRole('list', { name: 'Conversation' })
      .getByRole('listitem');
    await expect.poll(() => bubbles.count()).toBe(2);
    expect(await bubbles.nth(0).textContent()).toContain('ping');
    await page.keyboard.press('Escape');
  });

  it('sees settings read-only, without members or the audit log', async () => {
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: 'Tenant limits' }).waitFor();
    expect(await page.getByLabel('Cost per day (USD)').getAttribute('readonly')).not.toBeNull();
    for (const name of ['Save limits', 'Save name']) expect(await page.getByRole('button', { name }).count(), name).toBe(0);
    const sections = page.getByRole('navigation', { name: 'Settings sections' });
    expect(await sections.getByRole('link', { name: 'Members' }).count()).toBe(0);
    expect(await sections.getByRole('link', { name: 'Audit log' }).count()).toBe(0);

    await sections.getByRole('link', { name: 'Providers' }).click();
    await page.getByRole('heading', { name: 'Provider connections' }).waitFor();
    expect(await page.getByRole('button', { name: 'Add provider' }).count()).toBe(0);
    await sections.getByRole('link', { name: 'Routing rules' }).click();
    await page.getByRole('heading', { name: 'Routing rules', level: 2 }).waitFor();
    expect(await page.getByRole('button', { name: 'Add rule' }).count()).toBe(0);
    await sections.getByRole('link', { name: 'Environments' }).click();
    await page.getByRole('heading', { name: 'Environments', level: 2 }).waitFor();
    expect(await page.getByRole('button', { name: 'Add environment' }).count()).toBe(0);
  });
});
