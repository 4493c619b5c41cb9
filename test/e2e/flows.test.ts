// Flows in the browser: create a flow, write versions (parameters detected as they are typed), compare them,
// activate and promote across environments, run through the mock provider — each checked against the API itself.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, call, login, OWNER } from '../helpers/api.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { dialog, expectNoPageErrors, failOnPageErrors, launchBrowser, logIn, newContext } from './support/browser.js';

describe('the Flows page', () => {
  let gateway: TestGateway;
  let browser: Browser;
  let page: Page;
  let token: string;
  let pageErrors: string[];

  const api = (method: string, path: string, body?: unknown) => call(gateway, method, path, { auth: token, body });
  const region = (name: string) => page.getByRole('region', { name, exact: true });

  beforeAll(async () => {
    [gateway, browser] = await Promise.all([startGateway(), launchBrowser()]);
    token = await login(gateway);
    page = await (await newContext(browser, gateway)).newPage();
    pageErrors = failOnPageErrors(page);
    await logIn(page, OWNER.email, OWNER.password);
  });

  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
  });

  it('creates a flow from the "New flow" dialog', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Flows' }).click();
    await page.getByRole('heading', { name: 'Flows', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'New flow' }).click();
    const create = dialog(page, 'New flow');
    await create.getByLabel('Title').fill('Support reply');
    await create.getByRole('button', { name: 'Create flow' }).click();

    await page.getByRole('heading', { name: 'Support reply', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/flows/support-reply');
    const flow = await api('GET', '/flows/support-reply');
    expect(flow.body).toMatchObject({ title: 'Support reply', latestVersion: null, environments: {} });

    await page.getByRole('link', { name: '← Flows' }).click();
    await page.getByRole('link', { name: 'Support reply' }).waitFor();
    await page.getByRole('link', { name: 'Support reply' }).click();
    await page.getByRole('heading', { name: 'Support reply', level: 1 }).waitFor();
  });

  it('lists the parameters it detects as the prompt is typed, and saves Version 1', async () => {
    await page.getByRole('button', { name: 'New version' }).click();
    const editor = dialog(page, 'New version');
    const detected = editor.getByRole('list', { name: 'Detected parameters' });

    await editor.getByLabel('System prompt').pressSequentially('You answer for [[company]]. Be brief about [[Topic]].');
    await detected.getByText('company', { exact: true }).waitFor();
    expect(await detected.getByRole('listitem').count()).toBe(1);
    expect(await editor.innerText()).toContain('[[Topic]]'); // named as not a parameter

    await editor.getByLabel('User message').pressSequentially('[[question]]');
    await detected.getByText('question', { exact: true }).waitFor();
    expect(await detected.getByRole('listitem').allInnerTexts()).toEqual([
      expect.stringContaining('company'),
      expect.stringContaining('question'),
    ]);

    await editor.getByLabel('System prompt').fill('You answer for [[company]].');
    await editor.getByLabel('Model').fill('mock/echo');
    await editor.getByLabel('Temperature').fill('0.2');
    await editor.getByLabel('Max tokens').fill('100');
    await editor.getByLabel('Description').fill('First draft');
    await editor.getByRole('button', { name: 'Save version' }).click();
    await editor.waitFor({ state: 'detached' });

    await region('Versions').getByRole('rowheader', { name: 'Version 1' }).waitFor();
    const version = await api('GET', '/flows/support-reply/versions/1');
    expect(version.body).toMatchObject({
      description: 'First draft',
      templates: {
        main: { template: 'You answer for [[company]].', userTemplate: '[[question]]', llm: 'mock/echo', temperature: 0.2, maxTokens: 100 },
      },
      parameters: [
        { name: 'company', templates: ['main'] },
        { name: 'question', templates: ['main'] },
      ],
    });
  });

  it('makes Version 2 from Version 1 and shows the diff between any two versions', async () => {
    await page.getByRole('button', { name: 'New version' }).click();
    const editor = dialog(page, 'New version');
    // The editor starts from the latest version.
    await expect.poll(() => editor.getByLabel('System prompt').inputValue()).toBe('You answer for [[company]].');
    await expect.poll(() => editor.getByLabel('Model').inputValue()).toBe('mock/echo');
    await editor.getByLabel('User message').fill('Customer asks: [[question]]');
    await editor.getByLabel('Description').fill('Say who asks');
    await editor.getByRole('button', { name: 'Save version' }).click();
    await editor.waitFor({ state: 'detached' });
    await region('Versions').getByRole('rowheader', { name: 'Version 2' }).waitFor();

    const compare = region('Compare versions');
    await expect.poll(() => compare.getByLabel('From version').inputValue()).toBe('1');
    await expect.poll(() => compare.getByLabel('To version').inputValue()).toBe('2');
    const diff = compare.getByRole('region', { name: 'Version diff' });
    await diff.getByRole('insertion').filter({ hasText: 'Customer asks: [[question]]' }).waitFor();
    expect(await diff.getByRole('deletion').allInnerTexts()).toEqual([
      expect.stringMatching(/-\s*Description: First draft$/),
      expect.stringMatching(/-\s+\[\[question\]\]$/),
    ]);
    expect(await diff.getByRole('insertion').allInnerTexts()).toEqual([
      expect.stringMatching(/\+\s*Description: Say who asks$/),
      expect.stringMatching(/\+\s+Customer asks: \[\[question\]\]$/),
    ]);
    expect(await diff.innerText()).toContain('2 lines added, 2 lines removed');

    // The other way round, the same lines swap sides.
    await compare.getByLabel('From version').selectOption('2');
    await compare.getByLabel('To version').selectOption('1');
    await diff.getByRole('deletion').filter({ hasText: 'Customer asks: [[question]]' }).waitFor();
    await diff.getByText('From version 2 to version 1').waitFor();
  });

  it('activates versions per environment and shows them under Environments; the API agrees', async () => {
    const versions = region('Versions');
    const activate = async (version: number, environment: string) => {
      const row = versions.getByRole('row', { name: new RegExp(`Version ${version}`) });
      await row.getByLabel('Environment', { exact: true }).selectOption(environment);
      await row.getByRole('button', { name: 'Activate' }).click();
      if (environment === 'production') {
        // Production serves real traffic at once: it asks first, like Promote.
        const confirm = dialog(page, `Activate version ${version} in production?`);
        expect(await confirm.innerText()).toContain(`Production will run version ${version} of Support reply at once`);
        await confirm.getByRole('button', { name: 'Activate' }).click();
        await confirm.waitFor({ state: 'detached' });
      }
      await region('Environments')
        .getByRole('row', { name: new RegExp(`${environment}.*Version ${version}`) })
        .waitFor();
    };
    await activate(1, 'production');
    await activate(2, 'development');

    const environments = region('Environments');
    expect(await environments.getByRole('row', { name: /production/ }).innerText()).toContain('Version 1');
    expect(await environments.getByRole('row', { name: /development/ }).innerText()).toContain('Version 2');
    expect((await api('GET', '/flows/support-reply')).body.environments).toEqual({ production: 1, development: 2 });
  });

  it('on a phone shows each version as a card, its Activate in reach without scrolling sideways', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      const row = region('Versions').getByRole('row', { name: /Version 1/ });
      const box = await row.getByRole('button', { name: 'Activate' }).boundingBox();
      expect(box && box.x >= 0 && box.x + box.width <= 390).toBe(true);
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
  });

  it('compares development with production and promotes after a confirmation; the API agrees', async () => {
    const compare = region('Compare environments');
    await expect.poll(() => compare.getByLabel('From environment').inputValue()).toBe('development');
    await expect.poll(() => compare.getByLabel('To environment').inputValue()).toBe('production');
    const row = compare.getByRole('row', { name: /Support reply/ });
    await row.waitFor();
    expect(await row.innerText()).toMatch(/Version 2\s+Version 1/);

    await compare.getByRole('button', { name: 'Promote' }).click();
    const confirm = dialog(page, /^Promote development to production/);
    expect(await confirm.innerText()).toContain('Support reply: Version 1 → Version 2');
    await confirm.getByRole('button', { name: 'Promote' }).click();
    await confirm.waitFor({ state: 'detached' });

    await compare.getByText('Every flow runs the same version in development and production.').waitFor();
    await region('Environments')
      .getByRole('row', { name: /production.*Version 2/ })
      .waitFor();
    expect((await api('GET', '/flows/support-reply')).body.environments).toEqual({ production: 2, development: 2 });
    const audit = await api('GET', '/audit-log?action=environments.promoted');
    expect(audit.body.data[0].details).toMatchObject({
      from: 'development',
      to: 'production',
      flows: [{ slug: 'support-reply', version: 2 }],
    });
  });

  it('runs the flow with a value per parameter through the mock provider: response, cost, latency, and the run log', async () => {
    const run = region('Run');
    await run.getByLabel('Environment', { exact: true }).selectOption('development');
    await run.getByLabel('company', { exact: true }).fill('Acme');
    await run.getByLabel('question', { exact: true }).fill('Where is my order?');
    await run.getByLabel('Customer ID').fill('cust_42');
    await run.getByRole('button', { name: 'Run' }).click();

    const result = run.getByRole('region', { name: 'Run result' });
    await result.waitFor();
    const text = await result.innerText();
    expect(text).toContain('Customer asks: Where is my order?'); // mock/echo answers with the user message
    expect(text).toMatch(/Cost\s+\$\d+\.\d+/i); // the terms are shown in capitals
    expect(text).toMatch(/Latency\s+\d+(\.\d)? m?s/i);
    expect(text).toContain('Version 2 in development');

    const logged = region('Run log').getByRole('row', { name: /cust_42/ });
    await logged.waitFor();
    expect(await logged.innerText()).toMatch(/Version 2\s+development\s+cust_42\s+Succeeded\s+\$\d+\.\d+\s+\d+/);
    const runs = await api('GET', '/flows/support-reply/runs');
    expect(runs.body.data[0]).toMatchObject({ version: 2, environment: 'development', customer: 'cust_42', status: 'succeeded' });
  });

  it('shows the API’s own message when a run is refused', async () => {
    const run = region('Run');
    await run.getByLabel('company', { exact: true }).fill('');
    await run.getByRole('button', { name: 'Run' }).click();
    await run.getByRole('alert').filter({ hasText: 'Missing parameter: company.' }).waitFor();
    await expectNoPageErrors(pageErrors);
  });

  describe.each([
    ['viewer', false],
    ['member', true],
  ] as const)('a %s', (role, canRun) => {
    it(`sees the flow without the editing controls${canRun ? ', and may run it' : ' and cannot run it'}`, async () => {
      const added = await addMember(gateway, token, `${role}@acme.test`, role);
      const context = await newContext(browser, gateway);
      const other = await context.newPage();
      await logIn(other, `${role}@acme.test`, added.password);
      await other.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Flows' }).click();
      await other.getByRole('link', { name: 'Support reply' }).waitFor();
      expect(await other.getByRole('button', { name: 'New flow' }).count()).toBe(0);

      await other.getByRole('link', { name: 'Support reply' }).click();
      await other.getByRole('region', { name: 'Versions' }).getByRole('rowheader', { name: 'Version 2' }).waitFor();
      await other.getByRole('region', { name: 'Compare environments' }).getByRole('combobox', { name: 'From environment' }).waitFor();
      await other
        .getByRole('region', { name: 'Run log' })
        .getByRole('row', { name: /cust_42/ })
        .waitFor();
      for (const name of ['New version', 'Activate', 'Promote', 'Save version']) {
        expect(await other.getByRole('button', { name, exact: true }).count(), name).toBe(0);
      }
      const run = other.getByRole('region', { name: 'Run', exact: true });
      expect(await run.getByRole('button', { name: 'Run', exact: true }).count()).toBe(canRun ? 1 : 0);
      if (!canRun) expect(await run.innerText()).toContain("Viewers can't run flows");
      await context.close();
    });
  });
});
