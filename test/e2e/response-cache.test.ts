// The response cache on the dashboard: an Overview card with hits, hit rate and money saved, and a Usage column.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, login, OWNER } from '../helpers/api.js';
import { type FakeUpstream, startFakeOpenAi } from '../helpers/fake-openai.js';
import { flushUsage, postJson, startGateway, type TestGateway } from '../helpers/gateway.js';
import { seriousViolations } from './support/axe.js';
import { dialog, launchBrowser, logIn, newContext } from './support/browser.js';

describe('the response cache on the dashboard', () => {
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
    for (let i = 0; i < 4; i++) {
      const response = await postJson(gateway, '/chat/completions', body, { 'x-shuttle-cache': 'use' });
      expect(response.status).toBe(200);
      await response.text();
      await gateway.shuttle.runtime.responseCache.idle();
    }
    expect(upstream.requests).toHaveLength(1);
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

  it('shows cache hits, the hit rate and the money saved on the Overview', async () => {
    const card = page.getByRole('region', { name: 'Cache hits' });
    await card.getByText('3', { exact: true }).waitFor();
    const note = await card.innerText();
    expect(note).toMatch(/75(\.0)?\s?% hit rate/);
    expect(note).toMatch(/\$0\.\d+ saved/);
  });

  it('has a Cache hits column on the Usage page', async () => {
    await page.goto('/usage?range=7d');
    await page.getByRole('columnheader', { name: 'Cache hits' }).waitFor();
    const total = page.getByRole('row', { name: /^Total/ });
    const headers = (await page.getByRole('columnheader').allInnerTexts()).map((text) => text.toLowerCase());
    const cells = await total.getByRole('cell').allInnerTexts();
    // Cells follow the row header: the column's index less one.
    expect(cells[headers.indexOf('cache hits') - 1]).toBe('3');
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('keeps a routing rule’s cache setting when the rule is edited in Settings', async () => {
    const session = await login(gateway);
    const rule = { targets: [{ provider: 'openai', model: 'gpt-4o-mini' }], cache: { mode: 'use', ttlSeconds: 120 } };
    expect((await call(gateway, 'PUT', '/routing-rules/cached-rule', { auth: session, body: rule })).status).toBeLessThan(300);
    await page.goto('/settings/routing');
    await page
      .getByRole('row', { name: /cached-rule/ })
      .getByRole('button', { name: 'Edit' })
      .click();
    await dialog(page, 'Edit cached-rule').getByRole('button', { name: 'Save rule' }).click();
    await page.getByText('Rule cached-rule saved', { exact: true }).waitFor();
    const saved = await call(gateway, 'GET', '/routing-rules/cached-rule', { auth: session });
    expect(saved.body.cache).toEqual({ mode: 'use', ttlSeconds: 120 });
  });
});
