// The Logs page against the real request log: requests made through the mock provider (a plain one for a customer,
// a streamed one, one with tool calls, one at level metadata, an Anthropic Messages one) listed newest first,
// filtered as you type with the filters in the URL, opened in the detail panel (bubbles, attempts, raw JSON,
// "Copy as curl"), reached from Usage and the customer page, a page at a time.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, OWNER } from '../helpers/api.js';
import { flushUsage, postJson, startGateway, type TestGateway } from '../helpers/gateway.js';
import { pollUntil } from '../helpers/poll.js';
import { dialog, expectNoPageErrors, failOnPageErrors, launchBrowser, logIn, newContext, readClipboard } from './support/browser.js';

const STREAMED_PROMPT = 'Tell me about otters';

describe('the Logs page', () => {
  let gateway: TestGateway;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[];
  const ids = { plain: '', streamed: '', tools: '', metadata: '', messages: '' };

  const requestsTable = () => page.getByRole('table', { name: 'Requests' });
  /** The data rows shown (the header row left out). */
  const rowCount = async () => (await requestsTable().getByRole('row').count()) - 1;
  const waitForRows = (count: number) => expect.poll(rowCount, { timeout: 10_000 }).toBe(count);

  /** Sends a request with the master key and returns its x-request-id once its whole answer has been read. */
  async function send(path: string, body: unknown, headers: Record<string, string> = {}): Promise<string> {
    const response = await postJson(gateway, path, body, headers);
    await response.text();
    expect(response.status, `${path} answered`).toBe(200);
    return response.headers.get('x-request-id') ?? '';
  }

  /** The request log is written in batches: wait until the API lists `count` requests. */
  async function awaitLogged(count: number): Promise<void> {
    const listed = await pollUntil(
      async () => (await call(gateway, 'GET', '/requests?limit=200', { auth: gateway.masterKey })).body?.data?.length ?? 0,
      (length) => length >= count,
      { withinMs: 10_000, everyMs: 50 },
    );
    expect(listed, 'requests in the log').toBe(count);
  }

  beforeAll(async () => {
    [gateway, browser] = await Promise.all([startGateway(), launchBrowser()]);
    ids.plain = await send(
      '/chat/completions',
      {
        model: 'mock/echo',
        messages: [
          { role: 'system', content: 'You are a courier.' },
          { role: 'user', content: 'Where is my parcel?' },
        ],
      },
      { 'x-shuttle-customer-id': 'acme-corp-42' },
    );
    ids.streamed = await send('/chat/completions', {
      model: 'mock/echo',
      stream: true,
      messages: [{ role: 'user', content: STREAMED_PROMPT }],
    });
    ids.tools = await send(
      '/chat/completions',
      {
        model: 'mock/echo',
        messages: [
          { role: 'user', content: 'What is the weather in Paris?' },
          {
            role: 'assistant',
            content: null,
            tool_calls: [{ id: 'call_weather_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
          },
          { role: 'tool', tool_call_id: 'call_weather_1', content: '18 degrees and sunny' },
          { role: 'user', content: 'And tomorrow?' },
        ],
      },
      { 'x-shuttle-customer-id': 'globex-7' },
    );
    ids.metadata = await send(
      '/chat/completions',
      { model: 'mock/echo', messages: [{ role: 'user', content: 'Private plans' }] },
      { 'x-shuttle-log': 'metadata' },
    );
    ids.messages = await send('/messages', {
      model: 'mock/echo',
      max_tokens: 64,
      system: 'Be kind.',
      messages: [{ role: 'user', content: 'Hello from Claude Code' }],
    });
    await flushUsage(gateway);
    await awaitLogged(5);
    page = await (await newContext(browser, gateway)).newPage();
    pageErrors = failOnPageErrors(page);
    await logIn(page, OWNER.email, OWNER.password);
  });

  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
  });

  it('lists the requests newest first, with endpoint, model, customer and preview', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Logs' }).click();
    await page.getByRole('heading', { name: 'Logs', level: 1 }).waitFor();
    await waitForRows(5);
    const rows = requestsTable().getByRole('row');
    // Newest first: the Anthropic request was the last one made.
    expect(await rows.nth(1).innerText()).toContain('Hello from Claude Code');
    expect(await rows.nth(1).innerText()).toContain('messages');
    expect(await rows.nth(5).innerText()).toContain('Where is my parcel?');
    expect(await rows.nth(5).innerText()).toContain('acme-corp-42');
    expect(await rows.nth(5).innerText()).toContain('mock/echo');
    const metadataRow = requestsTable().getByRole('row', { name: new RegExp(ids.metadata) });
    expect(await metadataRow.innerText()).toContain('Not kept');
    expect(await metadataRow.innerText()).not.toContain('Private plans');
  });

  it('filters as you type, keeps the filters in the URL and shows them as removable chips', async () => {
    await page.goto('/logs');
    await waitForRows(5);
    // No Enter: the search applies a moment after the typing stops.
    await page.getByRole('searchbox', { name: 'Search prompts and answers' }).pressSequentially('otters');
    await waitForRows(1);
    expect(await requestsTable().innerText()).toContain(STREAMED_PROMPT);
    expect(new URL(page.url()).searchParams.get('q')).toBe('otters');
    await page.getByRole('button', { name: 'Remove filter Search: “otters”' }).click();
    await waitForRows(5);
    expect(new URL(page.url()).searchParams.has('q')).toBe(false);
    expect(await page.getByRole('searchbox', { name: 'Search prompts and answers' }).inputValue()).toBe('');

    await page.getByLabel('Customer', { exact: true }).fill('acme-corp-42');
    await waitForRows(1);
    await page.reload();
    await waitForRows(1);
    expect(await page.getByLabel('Customer', { exact: true }).inputValue()).toBe('acme-corp-42');
    await page.getByRole('list', { name: 'Active filters' }).getByText('Customer: acme-corp-42').waitFor();

    await page.getByLabel('Status').selectOption('error');
    await page.getByRole('heading', { name: 'No requests match these filters' }).waitFor();
    expect(new URL(page.url()).searchParams.get('status')).toBe('error');
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await waitForRows(5);

    await page.getByLabel('Endpoint').selectOption('messages');
    await waitForRows(1);
    expect(await requestsTable().innerText()).toContain('Hello from Claude Code');
    await page.getByRole('button', { name: 'Remove filter Endpoint: messages' }).click();
    await waitForRows(5);
  });

  it('takes a custom time range', async () => {
    await page.goto('/logs');
    await waitForRows(5);
    await page.getByRole('button', { name: 'Custom range' }).click();
    await page.getByLabel('From').waitFor();
    expect(new URL(page.url()).searchParams.get('from')).toBeTruthy();
    await waitForRows(5);
    // From tomorrow on: nothing yet.
    const tomorrow = new Date(Date.now() + 86_400_000);
    const local = new Date(tomorrow.getTime() - tomorrow.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
    await page.getByLabel('From').fill(local);
    await page.getByRole('heading', { name: 'No requests in this time range' }).waitFor();
    await page.getByRole('button', { name: 'Last 24 hours' }).click();
    await waitForRows(5);
    expect(new URL(page.url()).searchParams.get('range')).toBe('24h');
    expect(new URL(page.url()).searchParams.has('from')).toBe(false);
  });

  it('opens a streamed request: the answer reassembled as bubbles, its attempts, raw JSON and "Copy as curl"', async () => {
    await page.goto('/logs?q=otters');
    await requestsTable()
      .getByRole('link', { name: new RegExp(ids.streamed) })
      .click();
    const panel = dialog(page, `Request ${ids.streamed}`);
    await panel.waitFor();
    expect(new URL(page.url()).pathname).toBe(`/logs/${ids.streamed}`);

    const bubbles = panel.getByRole('list', { name: 'Conversation' }).getByRole('listitem');
    await expect.poll(() => bubbles.count()).toBe(2);
    expect(await bubbles.nth(0).textContent()).toMatch(/^User[\s\S]*Tell me about otters/);
    // mock/echo answers with the last user message: the stream's pieces put back together.
    expect(await bubbles.nth(1).textContent()).toMatch(/^Assistant[\s\S]*otters/);
    await expect.poll(() => panel.textContent()).toContain('StreamedYes');
    const attempts = panel.getByRole('table', { name: 'Attempts' });
    expect(await attempts.getByRole('row').nth(1).innerText()).toContain('mock');

    await panel.getByText(/^Request body \(/).click();
    expect(await panel.locator('pre').filter({ hasText: '"stream": true' }).count()).toBe(1);

    await panel.getByRole('button', { name: 'Copy as curl' }).click();
    const curl = await readClipboard(page);
    expect(curl).toContain(`${gateway.url}/api/v1/chat/completions`);
    expect(curl).toContain('Authorization: Bearer $SHUTTLE_API_KEY');
    expect(curl).toContain(STREAMED_PROMPT);
    expect(curl).not.toContain(gateway.masterKey);

    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'detached' });
    // Focus goes back to the row's link that opened it.
    await expect.poll(() => page.evaluate('document.activeElement?.textContent ?? ""'), { timeout: 5_000 }).toContain(ids.streamed);
    expect(new URL(page.url()).pathname).toBe('/logs');
    expect(new URL(page.url()).searchParams.get('q')).toBe('otters');
  });

  it('shows tool calls and tool results as bubbles, at the request’s own URL', async () => {
    await page.goto(`/logs/${ids.tools}`);
    const panel = dialog(page, `Request ${ids.tools}`);
    const bubbles = panel.getByRole('list', { name: 'Conversation' }).getByRole('listitem');
    await expect.poll(() => bubbles.count()).toBe(5);
    expect(await bubbles.nth(1).innerText()).toContain('Tool call: get_weather');
    expect(await bubbles.nth(1).innerText()).toContain('"city": "Paris"');
    expect(await bubbles.nth(2).textContent()).toMatch(/^Tool[\s\S]*Tool result[\s\S]*18 degrees and sunny/);
    await panel.getByRole('link', { name: 'globex-7' }).waitFor();
    // Closing it shows the list it was opened over.
    await page.keyboard.press('Escape');
    await waitForRows(5);
    expect(new URL(page.url()).pathname).toBe('/logs');
  });

  it('shows an Anthropic request with its system prompt', async () => {
    await page.goto(`/logs/${ids.messages}`);
    const bubbles = dialog(page, `Request ${ids.messages}`).getByRole('list', { name: 'Conversation' }).getByRole('listitem');
    await expect.poll(() => bubbles.count()).toBe(3);
    expect(await bubbles.nth(0).textContent()).toMatch(/^System[\s\S]*Be kind\./);
    expect(await bubbles.nth(1).textContent()).toMatch(/^User[\s\S]*Hello from Claude Code/);
  });

  it('says when only the metadata was kept', async () => {
    await page.goto(`/logs/${ids.metadata}`);
    const panel = dialog(page, `Request ${ids.metadata}`);
    await panel.getByText(/Logged at level metadata/).waitFor();
    expect(await panel.getByRole('button', { name: 'Copy as curl' }).isDisabled()).toBe(true);
    expect(await panel.innerText()).not.toContain('Private plans');
  });

  it('says so when a request id is not in the log', async () => {
    await page.goto('/logs/req_not_in_the_log');
    await dialog(page, 'Request req_not_in_the_log').getByRole('alert').getByText('No request with this id in the request log.').waitFor();
  });

  it('is linked from usage rows and from the customer page', async () => {
    await page.goto('/usage?groupBy=customer');
    await page
      .getByRole('row', { name: /acme-corp-42/ })
      .getByRole('link', { name: 'View requests' })
      .click();
    await page.getByRole('heading', { name: 'Logs', level: 1 }).waitFor();
    expect(new URL(page.url()).searchParams.get('customer')).toBe('acme-corp-42');
    await waitForRows(1);

    await page.goto('/usage?groupBy=day');
    await page.getByRole('heading', { name: 'Breakdown' }).waitFor();
    await page.getByRole('table').last().getByRole('row').nth(1).getByRole('link', { name: 'View requests' }).click();
    await waitForRows(5);
    const day = new Date().toISOString().slice(0, 10);
    expect(new URL(page.url()).searchParams.get('from')).toBe(day);

    await page.goto('/customers/globex-7');
    await page.getByRole('link', { name: 'View requests' }).click();
    await waitForRows(1);
    await page.getByRole('list', { name: 'Active filters' }).getByText('Customer: globex-7').waitFor();
    expect(await requestsTable().innerText()).toContain('And tomorrow?');
  });

  it('shows the requests made since with "Refresh"', async () => {
    await page.goto('/logs');
    await waitForRows(5);
    await send('/chat/completions', { model: 'mock/echo', messages: [{ role: 'user', content: 'A late question' }] });
    await awaitLogged(6);
    await page.getByRole('button', { name: 'Refresh' }).click();
    await waitForRows(6);
    expect(await requestsTable().getByRole('row').nth(1).innerText()).toContain('A late question');
  });

  it('loads older requests with "Load more"', async () => {
    for (let batch = 0; batch < 5; batch++) {
      await Promise.all(
        Array.from({ length: 10 }, (_, index) =>
          send('/chat/completions', { model: 'mock/echo', messages: [{ role: 'user', content: `Filler ${batch * 10 + index}` }] }),
        ),
      );
    }
    await flushUsage(gateway);
    await awaitLogged(56);
    await page.goto('/logs');
    await waitForRows(50);
    await page.getByRole('button', { name: 'Load more' }).click();
    await waitForRows(56);
    await page.getByRole('button', { name: 'Load more' }).waitFor({ state: 'detached' });
    // The first request made is the last row.
    expect(await requestsTable().getByRole('row').last().innerText()).toContain('Where is my parcel?');
    await expectNoPageErrors(pageErrors);
  });
});
