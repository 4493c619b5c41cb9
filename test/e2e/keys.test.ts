// API keys in the browser: create, copy, rename and delete sub-keys, regenerate the master key — each checked
// against the API itself.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, chat, OWNER } from '../helpers/api.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { dialog, launchBrowser, logIn, newContext, readClipboard } from './support/browser.js';

describe('the API keys page', () => {
  let gateway: TestGateway;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    [gateway, browser] = await Promise.all([startGateway({ env: { SHUTTLE_MAX_SUB_KEYS: '12' } }), launchBrowser()]);
    context = await newContext(browser, gateway);
    page = await context.newPage();
    await logIn(page, OWNER.email, OWNER.password);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'API keys' }).click();
    await page.getByRole('heading', { name: 'Sub-keys', exact: true }).waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
  });

  it('shows the master key as its prefix and last four characters only, in a tab titled after the page', async () => {
    expect(await page.title()).toBe('API keys · Shuttle');
    const masterCard = page.getByRole('region', { name: 'Master key' });
    const text = await masterCard.innerText();
    expect(text).toContain(`ps_…${gateway.masterKey.slice(-4)}`);
    expect(text).not.toContain(gateway.masterKey.slice(3, 12));
  });

  it('creates a sub-key, shows it once with Copy, and the copied key works through the API', async () => {
    await page.getByRole('button', { name: 'Create sub-key' }).click();
    const create = dialog(page, 'Create sub-key');
    await create.getByLabel('Name').fill('Production Server');
    await create.getByLabel('Environment').selectOption('development');
    await create.getByRole('button', { name: 'Create' }).click();

    const created = dialog(page, 'Sub-key "Production Server" created');
    await created.getByText('will not be shown again').waitFor();
    await created.getByRole('button', { name: 'Copy' }).click();
    const key = await readClipboard(page);
    expect(key).toMatch(/^ps_[A-Za-z0-9]{49}$/);
    await created.getByRole('button', { name: 'Done' }).click();

    const row = page.getByRole('row', { name: /Production Server/ });
    await row.waitFor();
    expect(await row.innerText()).toContain(`ps_…${key.slice(-4)}`);
    expect(await row.innerText()).toContain('development');
    expect(await row.innerText()).not.toContain(key);

    expect((await chat(gateway, key)).status).toBe(200);
  });

  it('renames a sub-key through the Rename dialog', async () => {
    await page
      .getByRole('row', { name: /Production Server/ })
      .getByRole('button', { name: 'Rename' })
      .click();
    const rename = dialog(page, /Rename/);
    await rename.getByLabel('Name').fill('Billing Worker');
    await rename.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('row', { name: /Billing Worker/ }).waitFor();
    await rename.waitFor({ state: 'detached' });

    const session = await call(gateway, 'POST', '/auth/login', { body: OWNER });
    const list = await call(gateway, 'GET', '/keys', { auth: session.body.token });
    expect(list.body.data.map((key: { name: string }) => key.name)).toContain('Billing Worker');
  });

  it('shows per row the id with Copy, the spend this month and the last use, with buttons named after the key', async () => {
    const session = await call(gateway, 'POST', '/auth/login', { body: OWNER });
    const listed = (await call(gateway, 'GET', '/keys', { auth: session.body.token })).body.data as Array<{ id: string; name: string }>;
    const id = listed.find((key) => key.name === 'Billing Worker')?.id ?? '';
    const row = page.getByRole('row', { name: /Billing Worker/ });
    expect(await row.innerText()).toContain(id);
    await row.getByRole('button', { name: 'Copy the ID of Billing Worker' }).click();
    expect(await readClipboard(page)).toBe(id);
    expect(await row.innerText()).toMatch(/Just now|minutes? ago/);

    // Its request (made when it was created) costs fractions of a cent; usage is written in batches.
    await expect
      .poll(
        async () => {
          await page.reload();
          return row.getByRole('cell').nth(2).innerText();
        },
        { timeout: 15_000 },
      )
      .toMatch(/^\$0\.0000\d+$/);

    await row.getByRole('button', { name: 'Rename Billing Worker' }).waitFor();
    await row.getByRole('button', { name: 'Delete Billing Worker' }).waitFor();
  });

  it('refuses a name another key has, saying so in the dialog', async () => {
    await page.getByRole('button', { name: 'Create sub-key' }).click();
    const create = dialog(page, 'Create sub-key');
    await create.getByLabel('Name').fill('billing worker');
    await create.getByRole('button', { name: 'Create' }).click();
    await create.getByRole('alert').filter({ hasText: 'A key named "Billing Worker" already exists in this tenant' }).waitFor();
    await page.keyboard.press('Escape');
    await create.waitFor({ state: 'detached' });
  });

  it('on a phone shows each key as a card, Rename and Delete in reach without scrolling sideways', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      const row = page.getByRole('row', { name: /Billing Worker/ });
      for (const name of ['Rename Billing Worker', 'Delete Billing Worker']) {
        const box = await row.getByRole('button', { name }).boundingBox();
        expect(box && box.x >= 0 && box.x + box.width <= 390, name).toBe(true);
      }
      expect((await page.evaluate('document.documentElement.scrollWidth')) as number).toBeLessThanOrEqual(390);
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
  });

  it('deletes a sub-key after a confirmation, and the API rejects it at once', async () => {
    await page.getByRole('button', { name: 'Create sub-key' }).click();
    const create = dialog(page, 'Create sub-key');
    await create.getByLabel('Name').fill('Short Lived');
    await create.getByRole('button', { name: 'Create' }).click();
    const created = dialog(page, /created/);
    await created.getByRole('button', { name: 'Copy' }).click();
    const key = await readClipboard(page);
    await created.getByRole('button', { name: 'Done' }).click();
    expect((await chat(gateway, key)).status).toBe(200);

    await page
      .getByRole('row', { name: /Short Lived/ })
      .getByRole('button', { name: 'Delete' })
      .click();
    const confirm = dialog(page, /Delete "Short Lived"/);
    await confirm.getByText('revoked at once').waitFor();
    await confirm.getByRole('button', { name: 'Delete' }).click();
    // While the dialog is open the table is hidden from the accessibility tree, so wait for the dialog (it closes
    // once the DELETE succeeded) before checking the row is gone.
    await confirm.waitFor({ state: 'detached' });
    await page.getByRole('row', { name: /Short Lived/ }).waitFor({ state: 'detached' });

    expect((await chat(gateway, key)).status).toBe(401);
  });

  it('regenerates the master key through the dialog: the old key is refused, the new one accepted', async () => {
    const oldKey = gateway.masterKey;
    expect((await chat(gateway, oldKey)).status).toBe(200);

    await page.getByRole('region', { name: 'Master key' }).getByRole('button', { name: 'Regenerate' }).click();
    const confirm = dialog(page, 'Regenerate the master key?');
    expect(await confirm.innerText()).toMatch(/stops working at once/);
    await confirm.getByRole('button', { name: 'Regenerate' }).click();

    const shown = dialog(page, 'Your new master key');
    await shown.getByText('will not be shown again').waitFor();
    await shown.getByRole('button', { name: 'Copy' }).click();
    const newKey = await readClipboard(page);
    expect(newKey).not.toBe(oldKey);
    await shown.getByRole('button', { name: 'Done' }).click();

    expect((await chat(gateway, oldKey)).status).toBe(401);
    expect((await chat(gateway, newKey)).status).toBe(200);
    expect(await page.getByRole('region', { name: 'Master key' }).innerText()).toContain(`ps_…${newKey.slice(-4)}`);
  });

  it('disables "Create sub-key" at the maximum the operator set (12 here) and says why', async () => {
    const session = await call(gateway, 'POST', '/auth/login', { body: OWNER });
    const existing = await call(gateway, 'GET', '/keys', { auth: session.body.token });
    const subKeys = existing.body.data.filter((key: { kind: string }) => key.kind === 'sub').length;
    expect(await page.getByRole('region', { name: 'Sub-keys' }).innerText()).toContain(`${subKeys} of 12 sub-keys in use.`);
    for (let i = subKeys; i < 12; i++) {
      expect((await call(gateway, 'POST', '/keys', { auth: session.body.token, body: { name: `Worker ${i}` } })).status).toBe(201);
    }
    await page.reload();
    const button = page.getByRole('button', { name: 'Create sub-key' });
    await page.getByRole('row', { name: /Worker 11/ }).waitFor();
    expect(await button.isDisabled()).toBe(true);
    expect(await page.getByRole('region', { name: 'Sub-keys' }).innerText()).toMatch(/the most a tenant can have/);
  });
});
