// The built dashboard works under its Content-Security-Policy: every page, a dialog (whose scroll lock adds an inline
// style, allowed by the page's nonce) and dark mode, with no policy violation and no error in the console.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OWNER } from '../helpers/api.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { collectConsoleErrors, dialog, launchBrowser, logIn, newContext } from './support/browser.js';
import { furnish, open, PAGES } from './support/tour.js';

describe('the dashboard under its Content-Security-Policy', () => {
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

  it('is served with a policy that allows no inline script', async () => {
    const page = await fetch(gateway.url, { headers: { accept: 'text/html' } });
    const policy = page.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).not.toContain('unsafe-inline');
    expect(policy).not.toContain('unsafe-eval');
    expect(await page.text()).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
  });

  it('shows every page and a dialog, light and dark, with no policy violation or console error', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const page = await (await newContext(browser, gateway, { colorScheme })).newPage();
      const problems = collectConsoleErrors(page);
      await logIn(page, OWNER.email, OWNER.password);
      for (const { path, ready } of PAGES) await open(page, path, ready);
      await open(page, '/keys', 'Sub-keys');
      await page.getByRole('button', { name: 'Create sub-key' }).click();
      const create = dialog(page, 'Create sub-key');
      await create.getByLabel('Name').waitFor();
      // The dialog's scroll lock is an inline <style>, in the document only if the policy let it in.
      expect(await page.evaluate(`[...document.querySelectorAll('style')].some((s) => s.textContent.includes('overflow: hidden'))`)).toBe(
        true,
      );
      await page.keyboard.press('Escape');
      expect(problems, colorScheme).toEqual([]);
      await page.context().close();
    }
  }, 120_000);
});
