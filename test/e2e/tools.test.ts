// The Tools page in the browser, against real servers the test starts: an http tool made in "New tool" (its schema
// checked as typed, its header value never shown back), edited and tested; picked in a flow version (mock/tools
// calls it) whose run's detail shows the tool call; a tool in use refused deletion in the API's words; an MCP server
// built with the SDK registered, discovered and imported from; the API's refusals shown plainly; axe clean.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, call, login, OWNER } from '../helpers/api.js';
import { freePort } from '../helpers/free-port.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { startStreamableMcpServer, type TestMcpServer } from '../helpers/mcp-test-servers.js';
import { startToolServer } from '../helpers/tool-server.js';
import { seriousViolations } from './support/axe.js';
import { dialog, expectNoPageErrors, failOnPageErrors, launchBrowser, logIn, newContext } from './support/browser.js';

const SECRET = 'Bearer weather-secret-value';
const SCHEMA = '{"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}';

describe('the Tools page', () => {
  let gateway: TestGateway;
  let browser: Browser;
  let page: Page;
  let token: string;
  let pageErrors: string[];
  let toolServer: Awaited<ReturnType<typeof startToolServer>>;
  let mcp: TestMcpServer;

  const api = (method: string, path: string, body?: unknown) => call(gateway, method, path, { auth: token, body });
  const region = (name: string) => page.getByRole('region', { name, exact: true });
  const toolRow = (name: string) => region('Tool library').getByRole('row', { name: new RegExp(`^${name}\\b`) });

  beforeAll(async () => {
    [gateway, browser, toolServer, mcp] = await Promise.all([
      startGateway(),
      launchBrowser(),
      startToolServer(),
      startStreamableMcpServer(),
    ]);
    token = await login(gateway);
    page = await (await newContext(browser, gateway)).newPage();
    pageErrors = failOnPageErrors(page);
    await logIn(page, OWNER.email, OWNER.password);
  });

  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
    await toolServer?.close();
    await mcp?.close();
  });

  it('creates an http tool from "New tool": the schema is checked as it is typed, the header value never shown back', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Tools' }).click();
    await page.getByRole('heading', { name: 'Tools', level: 1 }).waitFor();
    await region('Tool library').getByText('No tools yet').waitFor();
    expect(await page.title()).toBe('Tools · Shuttle');

    await page.getByRole('button', { name: 'New tool' }).click();
    const create = dialog(page, 'New tool');
    await create.getByLabel('Name', { exact: true }).fill('weather');
    await create.getByLabel('Description', { exact: true }).fill('The weather in a city');
    await create.getByLabel('URL', { exact: true }).fill(`${toolServer.url}/weather/{city}`);
    await create.getByLabel('Header 1 name').fill('Authorization');
    await create.getByLabel('Header 1 value').fill(SECRET);
    // A schema that is not JSON is named at once, and the form cannot be sent.
    const schema = create.getByLabel('Parameters (JSON Schema)');
    await schema.fill('{"type": "object",');
    await create.getByText(/^Not valid JSON/).waitFor();
    expect(await schema.getAttribute('aria-invalid')).toBe('true');
    expect(await create.getByRole('button', { name: 'Create tool' }).isDisabled()).toBe(true);
    await schema.fill('[]');
    await create.getByText('Must be a JSON object ({…}).').waitFor();
    await schema.fill(SCHEMA);
    expect(await create.getByText(/^Not valid JSON|^Must be a JSON object/).count()).toBe(0);
    await create.getByRole('button', { name: 'Create tool' }).click();
    await create.waitFor({ state: 'detached' });

    const row = toolRow('weather');
    await row.waitFor();
    expect(await row.innerText()).toMatch(/weather\s+HTTP\s+The weather in a city/);
    const tool = await api('GET', '/tools/weather');
    expect(tool.body).toMatchObject({
      type: 'http',
      url: `${toolServer.url}/weather/{city}`,
      method: 'GET',
      timeoutMs: 10000,
      headers: ['Authorization'],
      parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
    });
    expect(await page.content()).not.toContain('weather-secret-value');
  });

  it('edits the tool: the stored header shown as set and kept, a URL for one environment added', async () => {
    await toolRow('weather').getByRole('button', { name: 'Edit' }).click();
    const edit = dialog(page, 'Edit tool weather');
    const stored = edit.getByRole('list', { name: 'Stored headers' });
    expect(await stored.innerText()).toMatch(/Authorization\s+set/);
    expect(await edit.getByLabel('Header 1 value').count()).toBe(0); // nothing to read a value from
    expect(await edit.innerHTML()).not.toContain('weather-secret-value');
    await edit.getByLabel('URL in development').fill(`${toolServer.url}/weather/{city}?env=dev`);
    await edit.getByLabel('Description', { exact: true }).fill('The current weather in a city');
    await edit.getByRole('button', { name: 'Save tool' }).click();
    await edit.waitFor({ state: 'detached' });

    await toolRow('weather').getByText('The current weather in a city').waitFor();
    const tool = await api('GET', '/tools/weather');
    expect(tool.body).toMatchObject({ urls: { development: `${toolServer.url}/weather/{city}?env=dev` }, headers: ['Authorization'] });
  });

  it('tests the tool with arguments typed as JSON: the result, its status and latency', async () => {
    await toolRow('weather').getByRole('button', { name: 'Test' }).click();
    const test = dialog(page, 'Test tool weather');
    // Started from the schema, as mock/tools would call it.
    await expect.poll(() => test.getByLabel('Arguments (JSON)').inputValue()).toContain('"city": "x"');
    await test.getByLabel('Arguments (JSON)').fill('{"city": "Paris"}');
    await test.getByRole('button', { name: 'Run test' }).click();
    const result = test.getByRole('region', { name: 'Test result' });
    await result.waitFor();
    const text = await result.innerText();
    expect(text).toMatch(/Status\s+Succeeded/i);
    expect(text).toMatch(/Latency\s+\d+(\.\d)? m?s/i);
    expect(text).toContain('"city":"Paris"');
    const seen = toolServer.seen.at(-1);
    expect(seen?.url).toBe('/weather/Paris');
    expect(seen?.headers.authorization).toBe(SECRET);
    await page.keyboard.press('Escape');
    await test.waitFor({ state: 'detached' });
  });

  it('picks the tool in a flow version with max tool calls and tool choice; the run’s detail shows the tool call', async () => {
    expect((await api('POST', '/flows', { title: 'Forecast' })).status).toBe(201);
    await page.goto('/flows/forecast');
    await page.getByRole('button', { name: 'New version' }).click();
    const editor = dialog(page, 'New version');
    await editor.getByLabel('User message').fill('[[question]]');
    await editor.getByLabel('Model').fill('mock/tools');
    const tools = editor.getByRole('group', { name: 'Tools' });
    await tools.getByRole('checkbox', { name: 'weather' }).check();
    await tools.getByLabel('Max tool calls').fill('3');
    await tools.getByLabel('Tool choice').selectOption({ label: 'Must call weather' });
    await editor.getByRole('button', { name: 'Save version' }).click();
    await editor.waitFor({ state: 'detached' });
    const version = await api('GET', '/flows/forecast/versions/1');
    expect(version.body.templates.main).toMatchObject({
      llm: 'mock/tools',
      tools: ['weather'],
      maxToolCalls: 3,
      toolChoice: { name: 'weather' },
    });

    // The next version starts with the same tools picked.
    await page.getByRole('button', { name: 'New version' }).click();
    const next = dialog(page, 'New version');
    expect(await next.getByRole('checkbox', { name: 'weather' }).isChecked()).toBe(true);
    expect(await next.getByLabel('Max tool calls').inputValue()).toBe('3');
    await page.keyboard.press('Escape');
    await next.waitFor({ state: 'detached' });

    await region('Versions')
      .getByRole('row', { name: /Version 1/ })
      .getByLabel('Environment', { exact: true })
      .selectOption('development');
    await region('Versions')
      .getByRole('row', { name: /Version 1/ })
      .getByRole('button', { name: 'Activate' })
      .click();
    await region('Environments')
      .getByRole('row', { name: /development.*Version 1/ })
      .waitFor();

    const run = region('Run');
    await run.getByLabel('Environment', { exact: true }).selectOption('development');
    await run.getByLabel('question', { exact: true }).fill('{"city": "Oslo"}');
    await run.getByRole('button', { name: 'Run' }).click();
    await run.getByRole('region', { name: 'Run result' }).getByText('"city":"Oslo"').waitFor();
    // The development URL was called.
    expect(toolServer.seen.at(-1)?.url).toBe('/weather/Oslo?env=dev');

    const logged = region('Run log').getByRole('row', { name: /development/ });
    await logged.getByRole('button', { name: /^Details/ }).click();
    const detail = dialog(page, /^Run run_/);
    const calls = detail.getByRole('list', { name: 'Tool calls' });
    const item = calls.getByRole('listitem', { name: 'weather: Succeeded' });
    await item.waitFor();
    const text = await item.innerText();
    expect(text).toMatch(/weather\s+Succeeded\s+\d+(\.\d)? m?s/);
    expect(text).toContain('"city": "Oslo"'); // the arguments
    expect(text).toMatch(/Result\s+\{"city":"Oslo","temperature":21/);
    const [logRun] = (await api('GET', '/flows/forecast/runs')).body.data;
    const full = await api('GET', `/flows/forecast/runs/${logRun.id}`);
    expect(full.body.toolCalls).toMatchObject([{ name: 'weather', status: 'succeeded', arguments: { city: 'Oslo' }, truncated: false }]);
    await page.keyboard.press('Escape');
    await detail.waitFor({ state: 'detached' });
  });

  it('shows the API’s 409 tool_in_use plainly when deleting a tool an active version names', async () => {
    await page.goto('/tools');
    await toolRow('weather').getByRole('button', { name: 'Delete' }).click();
    const confirm = dialog(page, 'Delete the tool weather?');
    await confirm.getByRole('button', { name: 'Delete' }).click();
    await confirm
      .getByRole('alert')
      .filter({ hasText: /active in an environment/ })
      .waitFor();
    await page.keyboard.press('Escape');
    await confirm.waitFor({ state: 'detached' });
    expect((await api('GET', '/tools/weather')).status).toBe(200);
  });

  it('deletes a tool no active version names', async () => {
    expect((await api('POST', '/tools', { name: 'spare', type: 'http', url: `${toolServer.url}/echo` })).status).toBe(201);
    await page.reload();
    await toolRow('spare').getByRole('button', { name: 'Delete' }).click();
    const confirm = dialog(page, 'Delete the tool spare?');
    await confirm.getByRole('button', { name: 'Delete' }).click();
    await confirm.waitFor({ state: 'detached' });
    await toolRow('spare').waitFor({ state: 'detached' });
    expect((await api('GET', '/tools/spare')).status).toBe(404);
  });

  it('registers an MCP server built with the SDK and discovers its tools', async () => {
    await page.goto('/tools');
    const servers = region('MCP servers');
    await servers.getByRole('button', { name: 'Register server' }).click();
    const register = dialog(page, 'Register MCP server');
    await register.getByLabel('Name', { exact: true }).fill('Test tools');
    await register.getByLabel('URL', { exact: true }).fill(mcp.url);
    await register.getByLabel('Header 1 name').fill('X-Api-Key');
    await register.getByLabel('Header 1 value').fill('mcp-secret-value');
    await register.getByRole('button', { name: 'Register server' }).click();
    await register.waitFor({ state: 'detached' });
    const row = servers.getByRole('row', { name: /^Test tools/ });
    expect(await row.innerText()).toContain('X-Api-Key: set');
    expect(await page.content()).not.toContain('mcp-secret-value');

    await row.getByRole('button', { name: 'Discover' }).click();
    const discover = dialog(page, 'Discover tools on Test tools');
    const list = discover.getByRole('group', { name: 'Tools on the server' });
    await list.getByRole('checkbox', { name: 'echo' }).waitFor();
    expect(await list.getByRole('checkbox').count()).toBe(3); // echo, mixed, fails
    expect(await discover.getByRole('button', { name: 'Import' }).isDisabled()).toBe(true);
    await page.keyboard.press('Escape');
    await discover.waitFor({ state: 'detached' });
  });

  it('imports a discovered tool: marked as imported, then in the library as an mcp tool', async () => {
    await page.goto('/tools');
    await region('MCP servers')
      .getByRole('row', { name: /^Test tools/ })
      .getByRole('button', { name: 'Discover' })
      .click();
    const discover = dialog(page, 'Discover tools on Test tools');
    const list = discover.getByRole('group', { name: 'Tools on the server' });
    await list.getByRole('checkbox', { name: 'echo' }).check();
    await discover.getByRole('button', { name: 'Import' }).click();

    // Once imported, echo is marked and cannot be picked again.
    const echo = list.getByRole('checkbox', { name: /echo/ });
    await expect.poll(() => echo.isDisabled()).toBe(true);
    expect(await echo.isChecked()).toBe(true);
    expect(await list.getByRole('listitem').filter({ hasText: 'echo' }).innerText()).toContain('Already imported');
    expect(await list.getByRole('checkbox', { name: 'mixed' }).isDisabled()).toBe(false);
    // (Escape would close the "Imported" toast first.)
    await discover.getByRole('button', { name: 'Close' }).click();
    await discover.waitFor({ state: 'detached' });

    await toolRow('echo').waitFor();
    expect(await toolRow('echo').innerText()).toMatch(/echo\s+MCP\s+Echoes its text back/);
    const imported = await api('GET', '/tools/echo');
    expect(imported.body).toMatchObject({ type: 'mcp', toolName: 'echo' });
  });

  it('edits a server: its stored header kept unless replaced', async () => {
    await page.goto('/tools');
    const row = region('MCP servers').getByRole('row', { name: /^Test tools/ });
    await row.getByRole('button', { name: 'Edit' }).click();
    const edit = dialog(page, 'Edit MCP server Test tools');
    expect(await edit.getByRole('list', { name: 'Stored headers' }).innerText()).toMatch(/X-Api-Key\s+set/);
    await edit.getByLabel('Name', { exact: true }).fill('SDK tools');
    await edit.getByRole('button', { name: 'Save server' }).click();
    await edit.waitFor({ state: 'detached' });
    await region('MCP servers')
      .getByRole('row', { name: /^SDK tools/ })
      .waitFor();
    const [server] = (await api('GET', '/mcp-servers')).body.data;
    expect(server).toMatchObject({ name: 'SDK tools', headerNames: ['X-Api-Key'] });
  });

  it('shows the API’s refusals plainly: a private network refused, a server that cannot be reached', async () => {
    await page.goto('/tools');
    const servers = region('MCP servers');
    await servers.getByRole('button', { name: 'Register server' }).click();
    const register = dialog(page, 'Register MCP server');
    await register.getByLabel('Name', { exact: true }).fill('Internal');
    await register.getByLabel('URL', { exact: true }).fill('http://10.20.30.40/mcp');
    await register.getByRole('button', { name: 'Register server' }).click();
    await register
      .getByRole('alert')
      .filter({ hasText: /private/ })
      .waitFor();

    // A loopback port nothing listens on: allowed (SHUTTLE_ALLOW_PRIVATE_NETWORKS), but unreachable.
    await register.getByLabel('URL', { exact: true }).fill(`http://127.0.0.1:${await freePort()}/mcp`);
    await register.getByLabel('Name', { exact: true }).fill('Gone');
    await register.getByRole('button', { name: 'Register server' }).click();
    await register.waitFor({ state: 'detached' });
    await servers.getByRole('row', { name: /^Gone/ }).getByRole('button', { name: 'Discover' }).click();
    const discover = dialog(page, 'Discover tools on Gone');
    await discover.getByRole('alert').filter({ hasText: 'Could not connect to the MCP server "Gone"' }).waitFor();
    expect(await discover.getByRole('button', { name: 'Import' }).isDisabled()).toBe(true);
    await page.keyboard.press('Escape');
    await discover.waitFor({ state: 'detached' });
    await expectNoPageErrors(pageErrors);
  });

  it('shows a member the library and the servers without any button that changes them', async () => {
    const added = await addMember(gateway, token, 'member@acme.test', 'member');
    const other = await (await newContext(browser, gateway)).newPage();
    await logIn(other, 'member@acme.test', added.password);
    await other.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Tools' }).click();
    await other
      .getByRole('region', { name: 'Tool library' })
      .getByRole('row', { name: /^weather\b/ })
      .waitFor();
    await other
      .getByRole('region', { name: 'MCP servers' })
      .getByRole('row', { name: /^SDK tools/ })
      .waitFor();
    for (const name of ['New tool', 'Register server', 'Test', 'Edit', 'Delete', 'Discover']) {
      expect(await other.getByRole('button', { name, exact: true }).count(), name).toBe(0);
    }
    await other.context().close();
  });

  it('finds nothing serious with axe on the page, in its dialogs and in a run’s detail', async () => {
    const found: Record<string, string[]> = {};
    const check = async (name: string) => {
      const violations = await seriousViolations(page);
      if (violations.length > 0) found[name] = violations;
    };
    await page.goto('/tools');
    await toolRow('weather').waitFor();
    await check('/tools');
    const opened = async (button: () => Promise<void>, name: string, ready?: () => Promise<void>) => {
      await button();
      await dialog(page, name).waitFor();
      await ready?.();
      await check(name);
      await page.keyboard.press('Escape');
      await dialog(page, name).waitFor({ state: 'detached' });
    };
    await opened(() => page.getByRole('button', { name: 'New tool' }).click(), 'New tool');
    await opened(() => toolRow('weather').getByRole('button', { name: 'Edit' }).click(), 'Edit tool weather');
    await opened(
      () =>
        region('MCP servers')
          .getByRole('row', { name: /^SDK tools/ })
          .getByRole('button', { name: 'Discover' })
          .click(),
      'Discover tools on SDK tools',
      () => dialog(page, 'Discover tools on SDK tools').getByRole('checkbox', { name: 'mixed' }).waitFor(),
    );
    await page.goto('/flows/forecast');
    await region('Run log')
      .getByRole('button', { name: /^Details/ })
      .first()
      .click();
    await dialog(page, /^Run run_/)
      .getByRole('list', { name: 'Tool calls' })
      .waitFor();
    await check('run detail');
    expect(found).toEqual({});
  }, 60_000);
});
