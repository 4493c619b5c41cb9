// `npm run screenshots`: starts the real gateway on a throw-away database, fills a tenant with a month of plausible
// traffic and a few flows, and photographs the dashboard's main pages with Debian's chromium into docs/screenshots/.
// `npm run screenshots -- flow.png` takes only the pictures named (after the same seeding), so that a change to one
// page doesn't rewrite every other picture.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { randomBase62 } from '../src/store/ids.js';
import type { UsageEvent } from '../src/store/repositories/usage-events.js';
import { call, chat, login, OWNER } from '../test/helpers/api.js';
import { postJson, startGateway, type TestGateway } from '../test/helpers/gateway.js';
import { buildDashboardIfStale, root } from './build-if-stale.mjs';

const OUT = join(root, 'docs', 'screenshots');
const ONLY = process.argv.slice(2);
const wanted = (file: string) => ONLY.length === 0 || ONLY.includes(file);
const DAY = 86_400_000;
const MODELS = [
  { model: 'openai/gpt-4o-mini', weight: 50, input: 0.15, output: 0.6 },
  { model: 'smart', weight: 20, input: 3, output: 15 },
  { model: 'anthropic/claude-sonnet-4', weight: 15, input: 3, output: 15 },
  { model: 'openai/gpt-4o', weight: 10, input: 2.5, output: 10 },
  { model: 'google/gemini-2.5-flash', weight: 5, input: 0.3, output: 2.5 },
];
const CUSTOMERS = [
  ['acme-corp', 'Acme Corporation'],
  ['globex', 'Globex'],
  ['initech', 'Initech'],
  ['umbrella', 'Umbrella Health'],
  ['hooli', 'Hooli'],
  ['stark-industries', 'Stark Industries'],
  ['wayne-enterprises', 'Wayne Enterprises'],
  ['soylent', 'Soylent'],
  ['cyberdyne', 'Cyberdyne Systems'],
  ['tyrell', 'Tyrell Corporation'],
  ['wonka', 'Wonka Industries'],
  ['oceanic', 'Oceanic Airlines'],
];

function pickWeighted(roll: number): (typeof MODELS)[number] {
  let left = roll;
  for (const model of MODELS) {
    left -= model.weight;
    if (left < 0) return model;
  }
  return MODELS[0]!;
}

/** A deterministic pseudo-random sequence, so every run draws the same pictures. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

async function seed(gateway: TestGateway): Promise<void> {
  const session = await login(gateway);
  const auth = { auth: session };
  const keyIds: string[] = [];
  for (const [name, environment] of [
    ['Production Server', 'production'],
    ['Billing Worker', 'production'],
    ['Staging', 'development'],
  ]) {
    keyIds.push((await call(gateway, 'POST', '/keys', { ...auth, body: { name, environment } })).body.id);
  }
  for (const [email, name, role] of [
    ['dana@acme.test', 'Dana Scully', 'admin'],
    ['fox@acme.test', 'Fox Mulder', 'viewer'],
  ]) {
    const invited = await call(gateway, 'POST', '/invitations', { ...auth, body: { email, name, role } });
    await call(gateway, 'POST', '/invitations/accept-with-password', { body: { token: invited.body.token, password: `${name} password` } });
  }
  await call(gateway, 'PATCH', '/tenant', { ...auth, body: { limits: { costUsd: { day: 50, month: 1000 }, requestsPerMinute: 600 } } });
  await call(gateway, 'POST', '/providers', {
    ...auth,
    body: { name: 'backup-openai', type: 'openai', environment: 'production', apiKey: 'sk-not-a-real-key' },
  });
  await call(gateway, 'PUT', '/routing-rules/smart', {
    ...auth,
    body: {
      environment: 'production',
      strategy: 'fallback',
      targets: [
        { provider: 'mock', model: 'echo' },
        { provider: 'backup-openai', model: 'gpt-4o' },
      ],
      retry: { attempts: 2, backoffMs: 100, on: [429, 500, 502, 503, 504] },
    },
  });

  const repos = gateway.shuttle.runtime.repos;
  const customers = await Promise.all(CUSTOMERS.map(([id]) => repos.customers.ensure(gateway.tenantId, id as string)));
  for (const [index, [id, name]] of CUSTOMERS.entries()) {
    await call(gateway, 'PATCH', `/customers/${id}`, {
      ...auth,
      body: { name, metadata: { plan: index < 4 ? 'enterprise' : 'pro', region: index % 2 ? 'eu' : 'us' } },
    });
  }
  await call(gateway, 'PATCH', '/customers/umbrella', { ...auth, body: { limits: { costUsd: { month: 250 } } } });

  const next = random(42);
  const now = Date.now();
  const events: UsageEvent[] = [];
  for (let day = 29; day >= 0; day--) {
    // Traffic grows over the month, dips at weekends.
    const weekday = new Date(now - day * DAY).getUTCDay();
    const count = Math.round((120 + (29 - day) * 9) * (weekday === 0 || weekday === 6 ? 0.55 : 1));
    for (let i = 0; i < count; i++) {
      const createdAt = now - day * DAY - Math.floor(next() * DAY);
      if (createdAt > now) continue;
      const model = pickWeighted(next() * 100);
      const customer = customers[Math.floor(next() ** 2 * customers.length)]!;
      const failed = next() < 0.018;
      const prompt = failed ? 0 : 200 + Math.floor(next() * 1800);
      const completion = failed ? 0 : 50 + Math.floor(next() * 600);
      events.push({
        id: `req_${randomBase62(20)}`,
        tenantId: gateway.tenantId,
        keyId: keyIds[Math.floor(next() ** 1.5 * keyIds.length)]!,
        customerId: customer.id,
        environment: 'production',
        endpoint: 'chat.completions',
        requestedModel: model.model,
        provider: model.model === 'smart' ? 'mock' : model.model.split('/')[0]!,
        servedModel: model.model.split('/').at(-1)!,
        promptTokens: prompt,
        completionTokens: completion,
        cachedTokens: 0,
        costMicros: Math.round(prompt * model.input + completion * model.output),
        latencyMs: 180 + Math.floor(next() * 1400),
        upstreamMs: 170,
        ttftMs: null,
        streamed: false,
        status: failed ? 502 : 200,
        errorCode: failed ? 'upstream_error' : null,
        createdAt,
      });
    }
  }
  for (let i = 0; i < events.length; i += 500) await repos.usageEvents.insertBatch(events.slice(i, i + 500));
  // A few live requests, so "last seen" and "last used" are set the way traffic sets them.
  for (const [id] of CUSTOMERS) await chat(gateway, gateway.masterKey, { 'x-shuttle-customer-id': id as string });
  await seedFlows(gateway, session);
  await seedConversations(gateway);
  await new Promise((resolve) => setTimeout(resolve, 11_000));
}

/** Requests whose log entries make a telling Logs page: a tool call and its result, a stream, a system prompt. */
async function seedConversations(gateway: TestGateway): Promise<void> {
  // Read as text: the stream's answer is server-sent events, not JSON.
  const send = async (path: string, body: unknown, headers: Record<string, string>) =>
    (await postJson(gateway, path, body, headers)).text();
  await send(
    '/chat/completions',
    {
      model: 'mock/echo',
      messages: [
        { role: 'system', content: 'You are the order assistant of Acme. Answer in one sentence.' },
        { role: 'user', content: 'Where is my order 1042?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'call_7Qd2', type: 'function', function: { name: 'find_order', arguments: '{"orderId":"1042"}' } }],
        },
        { role: 'tool', tool_call_id: 'call_7Qd2', content: '{"status":"shipped","carrier":"DHL","eta":"Thursday"}' },
        { role: 'user', content: 'Shipped with DHL, arriving Thursday. Thanks!' },
      ],
    },
    { 'x-shuttle-customer-id': 'acme-corp' },
  );
  await send(
    '/chat/completions',
    { model: 'mock/echo', stream: true, messages: [{ role: 'user', content: 'Summarise my last three invoices' }] },
    { 'x-shuttle-customer-id': 'globex' },
  );
  await send(
    '/messages',
    {
      model: 'mock/echo',
      max_tokens: 200,
      system: 'You review pull requests.',
      messages: [{ role: 'user', content: 'Is this diff safe?' }],
    },
    { 'x-shuttle-customer-id': 'initech' },
  );
}

/** Two flows; "Support reply" with three versions (2 in production, 3 in development) and a few runs. */
async function seedFlows(gateway: TestGateway, session: string): Promise<void> {
  const auth = { auth: session };
  await call(gateway, 'POST', '/flows', { ...auth, body: { title: 'Support reply' } });
  await call(gateway, 'POST', '/flows', { ...auth, body: { title: 'Classify ticket' } });
  const main = { template: 'You answer support questions for [[company]].\nBe brief.', userTemplate: '[[question]]', llm: 'smart' };
  const versions = [
    { description: 'First draft', templates: { main } },
    {
      description: 'Friendlier tone',
      templates: { main: { ...main, template: 'You answer support questions for [[company]], kindly.\nBe brief.', temperature: 0.3 } },
    },
    {
      description: 'Sign replies',
      templates: {
        main: {
          ...main,
          template: 'You answer support questions for [[company]], kindly.\nBe brief.\nSign as [[agent_name]].',
          userTemplate: 'Customer asks: [[question]]',
          temperature: 0.3,
          maxTokens: 400,
        },
      },
    },
  ];
  for (const body of versions) await call(gateway, 'POST', '/flows/support-reply/versions', { ...auth, body });
  await call(gateway, 'POST', '/flows/support-reply/versions/2/environments', { ...auth, body: { environment: 'production' } });
  await call(gateway, 'POST', '/flows/support-reply/versions/3/environments', { ...auth, body: { environment: 'development' } });
  await call(gateway, 'POST', '/flows/classify-ticket/versions', {
    ...auth,
    body: { templates: { main: { template: 'Classify the sentiment of: [[text]]', llm: 'mock/echo' } } },
  });
  for (const [customer, question] of [
    ['acme-corp', 'Where is my order?'],
    ['globex', 'Can I change my plan?'],
    ['initech', 'How do I reset my password?'],
  ] as const) {
    await call(gateway, 'POST', '/flows/support-reply/runs', {
      auth: gateway.masterKey,
      body: { parameters: { company: 'Acme', question }, customerId: customer },
    });
  }
}

/** The owner an operator (as the first-run admin is), two plans and two more tenants, one of them suspended. */
async function seedOperator(gateway: TestGateway): Promise<void> {
  await gateway.shuttle.runtime.operators.add(OWNER.email);
  const auth = { auth: await login(gateway) };
  const planIds: string[] = [];
  for (const body of [
    {
      name: 'Team',
      allowedModels: ['openai/*', 'anthropic/*'],
      limits: { costUsd: { month: 500 }, requestsPerMinute: 600 },
      maxConcurrentRequests: 20,
    },
    {
      name: 'Enterprise',
      limits: { costUsd: { month: 5000 } },
      maxConcurrentRequests: 100,
      modelMultipliers: { 'openai/gpt-4o': 1.2, '*': 1.1 },
    },
  ]) {
    planIds.push((await call(gateway, 'POST', '/admin/plans', { ...auth, body })).body.id);
  }
  const globex = await call(gateway, 'POST', '/admin/tenants', {
    ...auth,
    body: { name: 'Globex', ownerEmail: 'hank@globex.test', planId: planIds[0] },
  });
  const initech = await call(gateway, 'POST', '/admin/tenants', {
    ...auth,
    body: { name: 'Initech', ownerEmail: 'bill@initech.test', planId: planIds[1] },
  });
  await call(gateway, 'PATCH', `/admin/tenants/${initech.body.id}`, { ...auth, body: { suspended: true } });
  if (globex.status !== 201 || initech.status !== 201) throw new Error('operator seed failed');
}

async function shoot(page: Page, path: string, ready: string, file: string, before?: () => Promise<void>): Promise<void> {
  if (!wanted(file)) return;
  await page.goto(path);
  await page.getByRole('heading', { name: ready, exact: true }).first().waitFor();
  await page.waitForLoadState('networkidle');
  await page.waitForTimeout(800); // chart animations
  await before?.();
  await page.screenshot({ path: join(OUT, file), fullPage: true });
  process.stdout.write(`docs/screenshots/${file}\n`);
}

buildDashboardIfStale();
mkdirSync(OUT, { recursive: true });
const gateway = await startGateway();
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'],
});
try {
  await seed(gateway);
  await seedOperator(gateway);
  for (const colorScheme of ['light', 'dark'] as const) {
    const context = await browser.newContext({ baseURL: gateway.url, viewport: { width: 1440, height: 900 }, colorScheme });
    const page = await context.newPage();
    if (colorScheme === 'light') await shoot(page, '/login', 'Log in to Shuttle', 'login.png');
    await page.goto('/login');
    await page.getByLabel('Email').fill(OWNER.email);
    await page.getByLabel('Password').fill(OWNER.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    if (colorScheme === 'dark') {
      await shoot(page, '/?range=30d', 'Top customers', 'overview-dark.png');
      continue;
    }
    await shoot(page, '/?range=30d', 'Top customers', 'overview.png');
    await shoot(page, '/keys', 'Sub-keys', 'api-keys.png');
    await shoot(page, '/customers', 'Customers', 'customers.png');
    await shoot(page, '/customers/acme-corp', 'Details and metadata', 'customer.png');
    await shoot(page, '/usage?range=30d&groupBy=model', 'Breakdown', 'usage.png');
    await shoot(page, '/flows/support-reply', 'Run log', 'flow.png', async () => {
      // A run from the dashboard, so the picture shows its answer, cost and latency.
      const run = page.getByRole('region', { name: 'Run', exact: true });
      await run.getByLabel('company', { exact: true }).fill('Acme');
      await run.getByLabel('question', { exact: true }).fill('Where is my order?');
      await run.getByLabel('Customer ID').fill('acme-corp');
      await run.getByRole('button', { name: 'Run' }).click();
      await run.getByRole('region', { name: 'Run result' }).waitFor();
      // The run log's header row, the three seeded runs and this one.
      await page.getByRole('region', { name: 'Run log' }).getByRole('row').nth(4).waitFor();
      await page.evaluate('window.scrollTo(0, 0)'); // else the sticky header is drawn mid-page
    });
    await shoot(page, '/logs', 'Logs', 'logs.png');
    if (wanted('logs-request.png')) {
      await page.goto('/logs?q=1042');
      await page.getByRole('table', { name: 'Requests' }).getByRole('link').first().click();
      await page
        .getByRole('dialog', { name: /^Request / })
        .getByRole('list', { name: 'Conversation' })
        .waitFor();
      await page.waitForLoadState('networkidle');
      await page.screenshot({ path: join(OUT, 'logs-request.png') });
      process.stdout.write('docs/screenshots/logs-request.png\n');
    }
    await shoot(page, '/settings/routing', 'Routing rules', 'settings-routing.png');
    if (wanted('routing-rule-dialog.png')) {
      await page.goto('/settings/routing');
      await page.getByRole('button', { name: 'Edit' }).click();
      await page.getByRole('dialog', { name: 'Edit smart' }).waitFor();
      await page.screenshot({ path: join(OUT, 'routing-rule-dialog.png') });
      process.stdout.write('docs/screenshots/routing-rule-dialog.png\n');
    }
    await shoot(page, '/operator/tenants', 'Tenants', 'operator-tenants.png');
    await shoot(page, '/operator/plans', 'Plans', 'operator-plans.png');
    await context.close();
  }
  const phone = await browser.newContext({ baseURL: gateway.url, viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
  const page = await phone.newPage();
  await page.goto('/login');
  await page.getByLabel('Email').fill(OWNER.email);
  await page.getByLabel('Password').fill(OWNER.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
  await shoot(page, '/?range=7d', 'Top customers', 'overview-phone.png');
} finally {
  await browser.close();
  await gateway.close();
}
