// Settings in the browser: limits, providers (a key never shown back), routing rules, environments and members,
// each checked through the API.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, chat, login, OWNER } from '../helpers/api.js';
import { type FakeUpstream, startFakeOpenAi } from '../helpers/fake-openai.js';
import { postJson, startGateway, type TestGateway } from '../helpers/gateway.js';
import { dialog, launchBrowser, logIn, newContext } from './support/browser.js';

describe('the settings pages', () => {
  let upstream: FakeUpstream;
  let gateway: TestGateway;
  let browser: Browser;
  let page: Page;
  let session: string;

  beforeAll(async () => {
    upstream = await startFakeOpenAi();
    [gateway, browser] = await Promise.all([startGateway(), launchBrowser()]);
    session = await login(gateway);
    page = await (await newContext(browser, gateway)).newPage();
    await logIn(page, OWNER.email, OWNER.password);
  });

  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
    await upstream?.close();
  });

  const sections = () => page.getByRole('navigation', { name: 'Settings sections' });

  it('saves tenant limits', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
    await page.getByLabel('Cost per day (USD)').fill('25');
    await page.getByLabel('Requests per minute').fill('600');
    await page.getByLabel('Requests at once').fill('4');
    await page.getByRole('button', { name: 'Save limits' }).click();
    await page.getByText('Limits saved', { exact: true }).waitFor();
    const tenant = await call(gateway, 'GET', '/tenant', { auth: session });
    expect(tenant.body.limits).toEqual({
      costUsd: { day: 25, month: null, total: null },
      requestsPerMinute: 600,
      tokensPerMinute: null,
      concurrentRequests: 4,
    });
  });

  it('takes cost limits in fractions of a cent, and names the field the API refused in plain words', async () => {
    try {
      await page.getByLabel('Cost per month (USD)').fill('0.005');
      await page.getByRole('button', { name: 'Save limits' }).click();
      await expect.poll(async () => (await call(gateway, 'GET', '/tenant', { auth: session })).body.limits.costUsd.month).toBe(0.005);

      await page.getByLabel('Cost per day (USD)').fill('0');
      await page.getByRole('button', { name: 'Save limits' }).click();
      await page.getByRole('alert').filter({ hasText: 'Cost per day (USD): must be more than 0.' }).waitFor();
      // Back as they were, a field left empty clearing its limit.
      await page.getByLabel('Cost per day (USD)').fill('25');
      await page.getByLabel('Cost per month (USD)').fill('');
      await page.getByRole('button', { name: 'Save limits' }).click();
      await expect.poll(async () => (await call(gateway, 'GET', '/tenant', { auth: session })).body.limits.costUsd.month).toBe(null);
    } finally {
      // Whatever happened above, the half-cent monthly limit must not turn the next tests' requests into 402s.
      await call(gateway, 'PATCH', '/tenant', { auth: session, body: { limits: { costUsd: { day: 25, month: null } } } });
    }
  });

  it('adds a provider whose key is never shown back, and tests the connection', async () => {
    await sections().getByRole('link', { name: 'Providers' }).click();
    await page.getByRole('button', { name: 'Add provider' }).click();
    const add = dialog(page, 'Add provider');
    const connectionMismatch = `document.getElementById('provider-name').validity.patternMismatch`;
    await add.getByLabel('Connection name').fill('Backup OpenAI');
    expect(await page.evaluate(connectionMismatch)).toBe(true);
    await add.getByLabel('Connection name').fill('backup-openai');
    expect(await page.evaluate(connectionMismatch)).toBe(false);
    await add.getByLabel('Base URL').fill(upstream.baseUrl);
    await add.getByLabel('API key').fill('sk-upstream-secret-123');
    await add.getByRole('button', { name: 'Add provider' }).click();
    const row = page.getByRole('row', { name: /backup-openai/ });
    await row.waitFor();
    expect(await page.content()).not.toContain('sk-upstream-secret-123');

    await row.getByRole('button', { name: 'Test' }).click();
    const test = dialog(page, 'Test backup-openai');
    await test.getByRole('button', { name: 'Test connection' }).click();
    await test.getByText(/Connected/).waitFor();
    expect(upstream.requests.at(-1)?.headers.authorization).toBe('Bearer sk-upstream-secret-123');
    await page.keyboard.press('Escape');
  });

  it('creates a routing rule from the form that the gateway then routes by', async () => {
    await sections().getByRole('link', { name: 'Routing rules' }).click();
    await page.getByRole('button', { name: 'Add rule' }).click();
    const form = dialog(page, 'Add routing rule');
    await form.getByLabel('Model name').fill('smart');
    await form.getByLabel('Strategy').selectOption('fallback');
    await form.getByLabel('Provider').selectOption('backup-openai');
    await form.getByLabel('Model', { exact: true }).fill('gpt-4o-mini');
    await form.getByRole('button', { name: 'Add target' }).click();
    await form.getByLabel('Provider').nth(1).selectOption('mock');
    await form.getByLabel('Model', { exact: true }).nth(1).fill('echo');
    await form.getByLabel('Attempts per target').fill('2');
    await form.getByRole('button', { name: 'Save rule' }).click();
    await page.getByRole('row', { name: /smart/ }).waitFor();

    const rule = await call(gateway, 'GET', '/routing-rules/smart?environment=production', { auth: session });
    expect(rule.body.targets.map((t: { provider: string; model: string }) => `${t.provider}/${t.model}`)).toEqual([
      'backup-openai/gpt-4o-mini',
      'mock/echo',
    ]);
    expect(rule.body.retry.attempts).toBe(2);
    const routed = await postJson(gateway, '/chat/completions', { model: 'smart', messages: [{ role: 'user', content: 'hi' }] });
    expect(routed.status).toBe(200);
    expect(routed.headers.get('x-shuttle-provider')).toBe('backup-openai');
  });

  it('adds an environment', async () => {
    await sections().getByRole('link', { name: 'Environments' }).click();
    // The browser itself checks the name (a pattern Chromium could not compile would check nothing).
    const patternMismatch = `document.getElementById('environment-name').validity.patternMismatch`;
    await page.getByLabel('New environment').fill('Staging Area');
    expect(await page.evaluate(patternMismatch)).toBe(true);
    await page.getByLabel('New environment').fill('pre-prod');
    expect(await page.evaluate(patternMismatch)).toBe(false);
    await page.getByLabel('New environment').fill('staging');
    await page.getByRole('button', { name: 'Add environment' }).click();
    await page.getByRole('row', { name: /staging/ }).waitFor();
    const environments = await call(gateway, 'GET', '/environments', { auth: session });
    expect(environments.body.data.map((env: { name: string }) => env.name)).toContain('staging');
  });

  it('invites a member with a link shown once, which they open to join with their own password', async () => {
    await sections().getByRole('link', { name: 'Members' }).click();
    await page.getByRole('button', { name: 'Invite member' }).click();
    const invite = dialog(page, 'Invite member');
    await invite.getByLabel('Email').fill('dana@acme.test');
    await invite.getByLabel('Role').selectOption('admin');
    await invite.getByRole('button', { name: 'Invite' }).click();
    const invited = dialog(page, 'dana@acme.test invited');
    const link = await invited.locator('code').innerText();
    expect(link).toMatch(new RegExp(`^${gateway.url}/accept-invitation#\\w+$`));
    await invited.getByRole('button', { name: 'Done' }).click();
    await page
      .getByRole('region', { name: 'Pending invitations' })
      .getByRole('row', { name: /dana@acme\.test/ })
      .waitFor();

    const context = await newContext(browser, gateway);
    const dana = await context.newPage();
    await dana.goto(link);
    await dana.getByRole('heading', { name: 'Accept invitation' }).waitFor();
    await dana.getByLabel('New password', { exact: true }).fill('dana’s own password');
    await dana.getByLabel('Confirm new password').fill('dana’s own password');
    await dana.getByRole('button', { name: 'Accept invitation' }).click();
    await dana.getByRole('navigation', { name: 'Main' }).waitFor();
    await context.close();
    expect(
      (await call(gateway, 'POST', '/auth/login', { body: { email: 'dana@acme.test', password: 'dana’s own password' } })).status,
    ).toBe(200);

    await page.reload();
    await page
      .getByRole('row', { name: /dana@acme\.test/ })
      .first()
      .waitFor();
    expect(
      await page
        .getByRole('region', { name: 'Pending invitations' })
        .getByRole('row', { name: /dana@acme\.test/ })
        .count(),
    ).toBe(0);

    await page.getByLabel('Role of dana@acme.test').selectOption('viewer');
    await page.getByText('dana@acme.test is now viewer', { exact: true }).waitFor();
    const members = await call(gateway, 'GET', '/members', { auth: session });
    expect(members.body.data.find((m: { email: string }) => m.email === 'dana@acme.test').role).toBe('viewer');
  });

  it("invites an address without a dot in its domain, like the first run's admin@localhost", async () => {
    await sections().getByRole('link', { name: 'Members' }).click();
    await page.getByRole('button', { name: 'Invite member' }).click();
    const invite = dialog(page, 'Invite member');
    await invite.getByLabel('Email').fill('ops@localhost');
    await invite.getByRole('button', { name: 'Invite' }).click();
    const invited = dialog(page, 'ops@localhost invited');
    await invited.getByRole('button', { name: 'Copy' }).waitFor();
    await page.keyboard.press('Escape');
    await invited.waitFor({ state: 'detached' });
  });

  it('shows the changes in the audit log', async () => {
    await chat(gateway, gateway.masterKey);
    await sections().getByRole('link', { name: 'Audit log' }).click();
    const roleChanges = page.getByRole('row', { name: /member\.role_changed/ });
    const acceptances = page.getByRole('row', { name: /invitation\.accepted/ });
    await roleChanges.first().waitFor();
    expect(await roleChanges.count(), 'the audit log lists the role change made above').toBeGreaterThan(0);
    // Every action the server records is offered, e.g. the routing rule and provider changes made above.
    const offered = await page.getByLabel('Action').locator('option').allInnerTexts();
    expect(offered).toEqual(expect.arrayContaining(['routing_rule.saved', 'provider.created', 'environment.created', 'flow.activated']));
    // Details read as names and values; the wide table scrolls from the keyboard.
    const renamed = page.getByRole('row', { name: /provider\.created/ }).first();
    expect(await renamed.getByRole('term').allInnerTexts()).toEqual(expect.arrayContaining(['name', 'type']));
    expect(await renamed.getByRole('definition').allInnerTexts()).toContain('backup-openai');
    const entries = page.getByRole('region', { name: 'Audit log entries' });
    await entries.focus();
    expect(await page.evaluate("document.activeElement?.getAttribute('aria-label')")).toBe('Audit log entries');
    await page.getByLabel('Action').selectOption('invitation.accepted');
    await roleChanges.first().waitFor({ state: 'detached' });
    await acceptances.first().waitFor();
    expect(await roleChanges.count(), 'filtered to invitation.accepted, the log still lists role changes').toBe(0);
    expect(await acceptances.count(), 'filtered to invitation.accepted, the log lists no accepted invitation').toBeGreaterThan(0);
  });

  it('deletes a provider, a routing rule and an environment after confirming, saying why one cannot go yet', async () => {
    // A connection a rule still routes to cannot go: the dialog says so, and forgets it once closed.
    await sections().getByRole('link', { name: 'Providers' }).click();
    await page
      .getByRole('row', { name: /backup-openai/ })
      .getByRole('button', { name: 'Delete' })
      .click();
    const deleteProvider = dialog(page, 'Delete the backup-openai connection?');
    await deleteProvider.getByRole('button', { name: 'Delete' }).click();
    await deleteProvider.getByRole('alert').waitFor();
    await deleteProvider.getByRole('button', { name: 'Cancel' }).click();
    await deleteProvider.waitFor({ state: 'detached' });
    await page
      .getByRole('row', { name: /backup-openai/ })
      .getByRole('button', { name: 'Delete' })
      .click();
    await deleteProvider.waitFor();
    expect(await deleteProvider.getByRole('alert').count(), 'the refusal is gone once the dialog was closed').toBe(0);
    await page.keyboard.press('Escape');

    await sections().getByRole('link', { name: 'Routing rules' }).click();
    await page.getByRole('row', { name: /smart/ }).getByRole('button', { name: 'Delete' }).click();
    await dialog(page, 'Delete the rule for smart?').getByRole('button', { name: 'Delete' }).click();
    await page.getByText('Rule smart deleted', { exact: true }).waitFor();
    await page.getByRole('row', { name: /smart/ }).waitFor({ state: 'detached' });
    expect((await call(gateway, 'GET', '/routing-rules/smart?environment=production', { auth: session })).status).toBe(404);

    await sections().getByRole('link', { name: 'Providers' }).click();
    await page
      .getByRole('row', { name: /backup-openai/ })
      .getByRole('button', { name: 'Delete' })
      .click();
    await deleteProvider.getByRole('button', { name: 'Delete' }).click();
    await page.getByText('Connection backup-openai deleted', { exact: true }).waitFor();
    await deleteProvider.waitFor({ state: 'detached' });

    await sections().getByRole('link', { name: 'Environments' }).click();
    await page
      .getByRole('row', { name: /staging/ })
      .getByRole('button', { name: 'Delete' })
      .click();
    await dialog(page, 'Delete the staging environment?').getByRole('button', { name: 'Delete' }).click();
    await page.getByText('Environment staging deleted', { exact: true }).waitFor();
    const environments = await call(gateway, 'GET', '/environments', { auth: session });
    expect(environments.body.data.map((env: { name: string }) => env.name)).not.toContain('staging');
  });
});
