// The dashboard in dark mode (axe-core: no serious or critical violation, colour contrast included) and at a
// phone's width (no page wider than the screen).
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OWNER } from '../helpers/api.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { seriousViolations } from './support/axe.js';
import { launchBrowser, logIn, newContext } from './support/browser.js';
import { furnish, open, openNewestRequest, PAGES } from './support/tour.js';

describe('dark mode and phones', () => {
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

  it('finds nothing serious on any page in dark mode', async () => {
    const page = await (await newContext(browser, gateway, { colorScheme: 'dark' })).newPage();
    await logIn(page, OWNER.email, OWNER.password);
    expect(await page.evaluate(`matchMedia('(prefers-color-scheme: dark)').matches`)).toBe(true);
    const found: Record<string, string[]> = {};
    for (const { path, ready } of PAGES) {
      await open(page, path, ready);
      const violations = await seriousViolations(page);
      if (violations.length > 0) found[path] = violations;
    }
    await openNewestRequest(page);
    const inPanel = await seriousViolations(page);
    if (inPanel.length > 0) found['/logs/:id (request detail panel)'] = inPanel;
    expect(found).toEqual({});
  }, 120_000);

  it('fits every page into a phone’s width', async () => {
    const page = await (await newContext(browser, gateway, { viewport: { width: 390, height: 844 } })).newPage();
    await logIn(page, OWNER.email, OWNER.password);
    const overflowing: string[] = [];
    for (const { path, ready } of PAGES) {
      await open(page, path, ready);
      const width = (await page.evaluate('document.documentElement.scrollWidth')) as number;
      if (width > 390) overflowing.push(`${path}: ${width}px`);
    }
    await openNewestRequest(page);
    const panelWidth = (await page.evaluate('document.documentElement.scrollWidth')) as number;
    if (panelWidth > 390) overflowing.push(`/logs/:id (request detail panel): ${panelWidth}px`);
    expect(overflowing).toEqual([]);
  }, 90_000);
});
