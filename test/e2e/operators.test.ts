// The Operator section in the browser: an operator makes a plan, a tenant on it (its owner's link shown once),
// suspends and resumes it, and deletes what they made; the tenant's owner sees the plan on the Overview, the
// suspension as a plain notice, and no Operator section at all.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, login, OWNER } from '../helpers/api.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { makeOperator } from '../operators/operator-helpers.js';
import { seriousViolations } from './support/axe.js';
import { dialog, launchBrowser, logIn, newContext } from './support/browser.js';

const GLOBEX_OWNER = { email: 'olga@globex.test', password: 'olga’s own password' };

describe('the Operator section', () => {
  let gateway: TestGateway;
  let browser: Browser;
  let page: Page;
  let operator: string;
  let globexId = '';

  beforeAll(async () => {
    [gateway, browser] = await Promise.all([startGateway(), launchBrowser()]);
    await makeOperator(gateway);
    operator = await login(gateway);
    page = await (await newContext(browser, gateway)).newPage();
    await logIn(page, OWNER.email, OWNER.password);
  });

  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
  });

  const mainNav = () => page.getByRole('navigation', { name: 'Main' });
  const sections = () => page.getByRole('navigation', { name: 'Operator sections' });
  const tenantRow = (name: string) => page.getByRole('table', { name: 'Tenants' }).getByRole('row', { name: new RegExp(name) });
  const planRow = (name: string) => page.getByRole('table', { name: 'Plans' }).getByRole('row', { name: new RegExp(name) });

  async function openAs(person: { email: string; password: string }): Promise<Page> {
    const other = await (await newContext(browser, gateway)).newPage();
    await logIn(other, person.email, person.password);
    return other;
  }

  it('creates a plan with models, limits, a concurrency cap and a multiplier, and shows the API’s refusals plainly', async () => {
    await mainNav().getByRole('link', { name: 'Operator' }).click();
    await page.getByRole('heading', { name: 'Tenants', exact: true }).waitFor();
    await sections().getByRole('link', { name: 'Plans' }).click();
    await page.getByRole('heading', { name: 'Plans', exact: true }).waitFor();
    await page.getByRole('button', { name: 'New plan' }).click();
    const form = dialog(page, 'New plan');
    await form.getByLabel('Name').fill('Pro');
    await form.getByLabel('Allowed models').fill('mock/*, openai/gpt-4o');
    await form.getByLabel('Cost per month (USD)').fill('500');
    await form.getByLabel('Requests per minute').fill('600');
    await form.getByLabel('Max concurrent requests').fill('5');
    await form.getByRole('button', { name: 'Add multiplier' }).click();
    await form.getByLabel('Model', { exact: true }).fill('openai/gpt-4o');
    // A factor the API refuses (it must be more than 0): its message, named by the form's label.
    await form.getByLabel('Factor').fill('0');
    await form.getByRole('button', { name: 'Create plan' }).click();
    const invalid = await form.getByRole('alert').innerText();
    expect(invalid).toMatch(/^Model multipliers: /);
    await form.getByLabel('Factor').fill('1.2');
    await form.getByRole('button', { name: 'Create plan' }).click();
    await planRow('Pro').waitFor();
    await form.waitFor({ state: 'detached' });

    const plans = await call(gateway, 'GET', '/admin/plans', { auth: operator });
    expect(plans.body.data).toEqual([
      expect.objectContaining({
        name: 'Pro',
        allowedModels: ['mock/*', 'openai/gpt-4o'],
        limits: {
          costUsd: { day: null, month: 500, total: null },
          requestsPerMinute: 600,
          tokensPerMinute: null,
          concurrentRequests: null,
        },
        maxConcurrentRequests: 5,
        modelMultipliers: { 'openai/gpt-4o': 1.2 },
      }),
    ]);

    // A second plan of the same name: the API's refusal, as it says it, in the dialog.
    await page.getByRole('button', { name: 'New plan' }).click();
    await form.getByLabel('Name').fill('Pro');
    await form.getByRole('button', { name: 'Create plan' }).click();
    await form.getByRole('alert').filter({ hasText: 'Name: A plan named "Pro" already exists; choose another name.' }).waitFor();
    await form.getByRole('button', { name: 'Cancel' }).click();
    await form.waitFor({ state: 'detached' });
  });

  it('edits a plan in its dialog', async () => {
    await planRow('Pro').getByRole('button', { name: 'Edit' }).click();
    const form = dialog(page, 'Edit "Pro"');
    expect(await form.getByLabel('Factor').inputValue()).toBe('1.2');
    await form.getByLabel('Max concurrent requests').fill('8');
    await form.getByRole('button', { name: 'Save plan' }).click();
    await form.waitFor({ state: 'detached' });
    await expect
      .poll(async () => (await call(gateway, 'GET', '/admin/plans', { auth: operator })).body.data[0].maxConcurrentRequests)
      .toBe(8);
  });

  it('creates a tenant on the plan, its owner’s invitation link shown once', async () => {
    await sections().getByRole('link', { name: 'Tenants' }).click();
    await page.getByRole('button', { name: 'New tenant' }).click();
    const form = dialog(page, 'New tenant');
    await form.getByLabel('Name').fill('Globex');
    await form.getByLabel("Owner's email").fill(GLOBEX_OWNER.email);
    await form.getByLabel('Plan').selectOption({ label: 'Pro' });
    await form.getByRole('button', { name: 'Create tenant' }).click();
    const created = dialog(page, 'Tenant "Globex" created');
    const link = await created.locator('code').innerText();
    expect(link).toMatch(new RegExp(`^${gateway.url}/accept-invitation#\\w+$`));
    await created.getByRole('button', { name: 'Done' }).click();
    const row = tenantRow('Globex');
    await row.waitFor();
    expect(await row.getByRole('combobox', { name: 'Plan of Globex' }).locator('option:checked').innerText()).toBe('Pro');

    const tenants = await call(gateway, 'GET', '/admin/tenants', { auth: operator });
    const globex = tenants.body.data.find((tenant: { name: string }) => tenant.name === 'Globex');
    globexId = globex.id;
    const plans = await call(gateway, 'GET', '/admin/plans', { auth: operator });
    expect(globex.planId).toBe(plans.body.data[0].id);
    // The owner accepts with their own password, as the link's page does.
    const token = link.split('#')[1];
    const accepted = await call(gateway, 'POST', '/invitations/accept-with-password', { body: { token, password: GLOBEX_OWNER.password } });
    expect(accepted.status).toBe(200);
  });

  it('shows the tenant’s owner their plan and what it allows on the Overview', async () => {
    const owner = await openAs(GLOBEX_OWNER);
    const plan = owner.getByRole('region', { name: 'Plan' });
    await plan.waitFor();
    const text = await plan.innerText();
    expect(text).toContain('Pro');
    expect(text).toContain('mock/*, openai/gpt-4o');
    expect(text).toContain('$500.00/month');
    expect(text).toContain('600 requests/min');
    expect(text).toContain('8');
    await owner.context().close();
  });

  it('hides the Operator section from an owner who is no operator, and its addresses are no page', async () => {
    const owner = await openAs(GLOBEX_OWNER);
    await owner.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).waitFor();
    expect(await owner.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Operator' }).count()).toBe(0);
    for (const path of ['/operator', '/operator/tenants', '/operator/plans']) {
      await owner.goto(path);
      await owner.getByRole('heading', { name: 'There is no page here' }).waitFor();
      expect(await owner.getByRole('heading', { name: 'Tenants', exact: true }).count()).toBe(0);
    }
    await owner.context().close();
  });

  it('suspends a tenant after a confirmation: its owner is told so plainly; Resume restores it', async () => {
    // Signed in before the suspension: their next click says so instead of failing.
    const before = await openAs(GLOBEX_OWNER);
    await before.getByRole('region', { name: 'Plan' }).waitFor();
    await tenantRow('Globex').getByRole('button', { name: 'Suspend' }).click();
    const confirm = dialog(page, 'Suspend "Globex"?');
    await confirm.getByRole('button', { name: 'Suspend' }).click();
    await confirm.waitFor({ state: 'detached' });
    await tenantRow('Globex').getByText('Suspended', { exact: true }).waitFor();
    const ownerToken = await login(gateway, GLOBEX_OWNER.email, GLOBEX_OWNER.password);
    const refused = await call(gateway, 'GET', '/tenant', { auth: ownerToken, headers: { 'x-shuttle-tenant-id': globexId } });
    expect(refused.status).toBe(423);

    await before.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'API keys' }).click();
    await before.getByRole('heading', { name: 'Globex is suspended' }).waitFor();
    expect(await before.getByRole('heading', { name: 'This page could not load' }).count()).toBe(0);
    await before.context().close();

    const owner = await openAs(GLOBEX_OWNER);
    const notice = owner.getByRole('alert').filter({ has: owner.getByRole('heading', { name: 'Globex is suspended' }) });
    await notice.waitFor();
    expect(await notice.innerText()).toMatch(/Ask whoever runs this Shuttle server/);
    expect(await owner.getByRole('heading', { name: 'This page could not load' }).count()).toBe(0);
    expect(await seriousViolations(owner)).toEqual([]);
    // Every page of the tenant says the same, instead of failing.
    await owner.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'API keys' }).click();
    await notice.waitFor();

    await tenantRow('Globex').getByRole('button', { name: 'Resume' }).click();
    const resume = dialog(page, 'Resume "Globex"?');
    await resume.getByRole('button', { name: 'Resume' }).click();
    await resume.waitFor({ state: 'detached' });
    await tenantRow('Globex').getByText('Active', { exact: true }).waitFor();
    expect((await call(gateway, 'GET', '/tenant', { auth: ownerToken, headers: { 'x-shuttle-tenant-id': globexId } })).status).toBe(200);
    await owner.reload();
    await owner.getByRole('heading', { name: 'API keys', level: 1 }).waitFor();
    await owner.context().close();
  });

  it('finds nothing serious on the Tenants and Plans pages or in their dialogs', async () => {
    const found: Record<string, string[]> = {};
    const check = async (name: string) => {
      const violations = await seriousViolations(page);
      if (violations.length > 0) found[name] = violations;
    };
    await page.goto('/operator/tenants');
    await tenantRow('Globex').waitFor();
    await check('/operator/tenants');
    await page.getByRole('button', { name: 'New tenant' }).click();
    await dialog(page, 'New tenant').waitFor();
    await check('New tenant');
    await page.keyboard.press('Escape');
    await page.goto('/operator/plans');
    await planRow('Pro').waitFor();
    await check('/operator/plans');
    await planRow('Pro').getByRole('button', { name: 'Edit' }).click();
    await dialog(page, 'Edit "Pro"').waitFor();
    await check('Edit "Pro"');
    await page.keyboard.press('Escape');
    expect(found).toEqual({});
  });

  it('refuses to delete a plan a tenant is on, saying why', async () => {
    await planRow('Pro').getByRole('button', { name: 'Delete' }).click();
    const confirm = dialog(page, 'Delete "Pro"?');
    await confirm.getByRole('button', { name: 'Delete' }).click();
    await confirm.getByRole('alert').filter({ hasText: '1 tenant is on this plan; give it another plan before deleting it.' }).waitFor();
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await confirm.waitFor({ state: 'detached' });
  });

  it('deletes a tenant with a working key only when asked again, then its plan', async () => {
    const ownerToken = await login(gateway, GLOBEX_OWNER.email, GLOBEX_OWNER.password);
    const key = await call(gateway, 'POST', '/keys/master/regenerate', { auth: ownerToken, headers: { 'x-shuttle-tenant-id': globexId } });
    expect(key.status).toBeLessThan(300);

    await sections().getByRole('link', { name: 'Tenants' }).click();
    await tenantRow('Globex').getByRole('button', { name: 'Delete' }).click();
    const confirm = dialog(page, 'Delete "Globex"?');
    await confirm.getByRole('button', { name: 'Delete' }).click();
    await confirm.getByRole('alert').filter({ hasText: 'The tenant has 1 working API key' }).waitFor();
    expect((await call(gateway, 'GET', `/admin/tenants/${globexId}`, { auth: operator })).status).toBe(200);
    await confirm.getByRole('button', { name: 'Delete anyway' }).click();
    await confirm.waitFor({ state: 'detached' });
    await tenantRow('Globex').waitFor({ state: 'detached' });
    expect((await call(gateway, 'GET', `/admin/tenants/${globexId}`, { auth: operator })).status).toBe(404);

    await sections().getByRole('link', { name: 'Plans' }).click();
    await planRow('Pro').getByRole('button', { name: 'Delete' }).click();
    await dialog(page, 'Delete "Pro"?').getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('heading', { name: 'No plans yet' }).waitFor();
  });
});
