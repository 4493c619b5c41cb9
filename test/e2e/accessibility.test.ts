// axe-core on every page in light mode, and in dialogs: no serious or critical violation; and dialogs work by
// keyboard alone.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OWNER } from '../helpers/api.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { seriousViolations } from './support/axe.js';
import { dialog, launchBrowser, logIn, newContext } from './support/browser.js';
import { furnish, open, openNewestRequest, PAGES } from './support/tour.js';

// Radix moves focus in a task after a dialog mounts or unmounts, so the element that has it is polled for.
const FOCUS_WAIT = { timeout: 5_000, interval: 50 };

function focused(page: Page, property: 'id' | 'textContent'): Promise<string | null> {
  return page.evaluate(`document.activeElement?.${property} ?? null`);
}

describe('accessibility', () => {
  let gateway: TestGateway;
  let browser: Browser;

  beforeAll(async () => {
    [gateway, browser] = await Promise.all([startGateway(), launchBrowser()]);
    await furnish(gateway);
  });

  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
  });

  it('finds nothing serious on the login page', async () => {
    const page = await (await newContext(browser, gateway)).newPage();
    await page.goto('/login');
    await page.getByRole('button', { name: 'Log in' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('finds nothing serious on any page, or in the create-key dialog', async () => {
    const page = await (await newContext(browser, gateway)).newPage();
    await logIn(page, OWNER.email, OWNER.password);
    const found: Record<string, string[]> = {};
    for (const { path, ready } of PAGES) {
      await open(page, path, ready);
      const violations = await seriousViolations(page);
      if (violations.length > 0) found[path] = violations;
    }
    await open(page, '/keys', 'Sub-keys');
    await page.getByRole('button', { name: 'Create sub-key' }).click();
    await dialog(page, 'Create sub-key').waitFor();
    const inDialog = await seriousViolations(page);
    if (inDialog.length > 0) found['/keys (Create sub-key dialog)'] = inDialog;
    await openNewestRequest(page);
    await page.getByText(/^Request body \(/).click();
    const inPanel = await seriousViolations(page);
    if (inPanel.length > 0) found['/logs/:id (request detail panel)'] = inPanel;
    expect(found).toEqual({});
  }, 120_000);

  it('shows each chart as one image named by what it shows, never a Tab stop, its legend in the text colour', async () => {
    const page = await (await newContext(browser, gateway)).newPage();
    await logIn(page, OWNER.email, OWNER.password);
    await open(page, '/', 'Top customers');
    const chart = page.getByRole('img', { name: /^Requests and spend over the last/ });
    await chart.getByText('Requests', { exact: true }).waitFor();
    expect(await page.evaluate(`[...document.querySelectorAll('svg')].filter((svg) => svg.tabIndex >= 0).length`)).toBe(0);
    const legendColour = `getComputedStyle([...document.querySelectorAll('figure li span')].filter((s) => s.textContent === 'Requests').at(-1)).color`;
    const textColour = `getComputedStyle(document.body).color`;
    expect(await page.evaluate(legendColour)).toBe(await page.evaluate(textColour));
  });

  it('finds nothing serious in the flow dialogs: New flow, New version, Promote', async () => {
    const page = await (await newContext(browser, gateway)).newPage();
    await logIn(page, OWNER.email, OWNER.password);
    const found: Record<string, string[]> = {};
    const check = async (name: string) => {
      const violations = await seriousViolations(page);
      if (violations.length > 0) found[name] = violations;
      await page.keyboard.press('Escape');
      await dialog(page, name).waitFor({ state: 'detached' });
    };
    await open(page, '/flows', 'All flows');
    await page.getByRole('button', { name: 'New flow' }).click();
    await dialog(page, 'New flow').waitFor();
    await check('New flow');
    await open(page, '/flows/support-reply', 'Run log');
    await page.getByRole('button', { name: 'New version' }).click();
    await dialog(page, 'New version').getByRole('list', { name: 'Detected parameters' }).getByText('company').waitFor();
    await check('New version');
    await page.getByRole('region', { name: 'Compare environments' }).getByRole('button', { name: 'Promote' }).click();
    await dialog(page, 'Promote development to production?').waitFor();
    await check('Promote development to production?');
    expect(found).toEqual({});
  }, 60_000);

  it('works the Create sub-key dialog by keyboard alone', async () => {
    const page = await (await newContext(browser, gateway)).newPage();
    await logIn(page, OWNER.email, OWNER.password);
    await open(page, '/keys', 'Sub-keys');
    await page.getByRole('button', { name: 'Create sub-key' }).focus();
    await page.keyboard.press('Enter');
    const create = dialog(page, 'Create sub-key');
    await create.waitFor();
    // Focus moves into the dialog, on its first field.
    const nameId = await create.getByLabel('Name').getAttribute('id');
    await expect.poll(() => focused(page, 'id'), FOCUS_WAIT).toBe(nameId);
    await page.keyboard.type('Keyboard Only');
    await page.keyboard.press('Enter');
    const created = dialog(page, /created/);
    await created.getByRole('button', { name: 'Copy' }).waitFor();
    // The new key's Copy button has the focus: Enter copies.
    await expect.poll(() => focused(page, 'textContent'), FOCUS_WAIT).toBe('Copy');
    await page.keyboard.press('Escape');
    await created.waitFor({ state: 'detached' });
    // Focus returns to the button that opened it.
    await expect.poll(() => focused(page, 'textContent'), FOCUS_WAIT).toBe('Create sub-key');
    await page.getByRole('row', { name: /Keyboard Only/ }).waitFor();
  });
});
