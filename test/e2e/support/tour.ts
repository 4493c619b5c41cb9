// Every page of the dashboard with the heading that says it has loaded, and a tenant with something on each.
import type { Page } from 'playwright-core';
import { addMember, call, chat, login } from '../../helpers/api.js';
import { flushUsage, type TestGateway } from '../../helpers/gateway.js';
import { makeOperator } from '../../operators/operator-helpers.js';

export const PAGES: Array<{ path: string; ready: string }> = [
  { path: '/', ready: 'Top customers' },
  { path: '/keys', ready: 'Sub-keys' },
  { path: '/customers', ready: 'Customers' },
  { path: '/customers/acme-corp-42', ready: 'Details and metadata' },
  { path: '/usage', ready: 'Breakdown' },
  { path: '/logs', ready: 'Logs' },
  { path: '/flows', ready: 'All flows' },
  { path: '/flows/support-reply', ready: 'Run log' },
  { path: '/tools', ready: 'MCP servers' },
  { path: '/settings/limits', ready: 'Tenant limits' },
  { path: '/settings/environments', ready: 'Environments' },
  { path: '/settings/providers', ready: 'Provider connections' },
  { path: '/settings/routing', ready: 'Routing rules' },
  { path: '/settings/members', ready: 'Members' },
  { path: '/settings/audit-log', ready: 'Audit log' },
  { path: '/operator/tenants', ready: 'Tenants' },
  { path: '/operator/plans', ready: 'Plans' },
  { path: '/account', ready: 'Change password' },
];

/**
 * A sub-key, a second member, a request for a customer, a flow with two versions (active in different
 * environments, so they differ) and a run, a tool and an MCP server; the owner an operator, the tenant on a plan, and
 * a second tenant: no page shows only its empty state.
 */
export async function furnish(gateway: TestGateway): Promise<void> {
  await makeOperator(gateway);
  const owner = await login(gateway);
  const plan = await call(gateway, 'POST', '/admin/plans', {
    auth: owner,
    body: { name: 'Team', limits: { costUsd: { month: 1000 } }, maxConcurrentRequests: 20, modelMultipliers: { '*': 1.1 } },
  });
  await call(gateway, 'PATCH', `/admin/tenants/${gateway.tenantId}`, { auth: owner, body: { planId: plan.body.id } });
  await call(gateway, 'POST', '/admin/tenants', { auth: owner, body: { name: 'Globex', ownerEmail: 'olga@globex.test' } });
  await call(gateway, 'POST', '/keys', { auth: owner, body: { name: 'Production Server' } });
  await addMember(gateway, owner, 'viewer@acme.test', 'viewer');
  await call(gateway, 'POST', '/invitations', { auth: owner, body: { email: 'pending@acme.test', role: 'member' } });
  await chat(gateway, gateway.masterKey, { 'x-shuttle-customer-id': 'acme-corp-42' });
  await call(gateway, 'POST', '/flows', { auth: owner, body: { title: 'Support reply' } });
  for (const [version, userTemplate, environment] of [
    [1, '[[question]]', 'production'],
    [2, 'Customer asks: [[question]]', 'development'],
  ] as const) {
    const main = { template: 'You answer for [[company]].', userTemplate, llm: 'mock/echo' };
    await call(gateway, 'POST', '/flows/support-reply/versions', { auth: owner, body: { templates: { main } } });
    await call(gateway, 'POST', `/flows/support-reply/versions/${version}/environments`, { auth: owner, body: { environment } });
  }
  await call(gateway, 'POST', '/flows/support-reply/runs', {
    auth: gateway.masterKey,
    body: { parameters: { company: 'Acme', question: 'Where is my order?' }, customerId: 'acme-corp-42' },
  });
  // Saved, never called: the tour only shows them (port 9 is discard; loopback is allowed in tests).
  const tool = await call(gateway, 'POST', '/tools', {
    auth: owner,
    body: {
      name: 'weather',
      type: 'http',
      description: 'The weather in a city',
      url: 'http://127.0.0.1:9/weather/{city}',
      parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
    },
  });
  if (tool.status !== 201) throw new Error(`furnish: POST /tools answered ${tool.status} ${JSON.stringify(tool.body)}`);
  await call(gateway, 'POST', '/mcp-servers', {
    auth: owner,
    body: { name: 'Docs', url: 'http://127.0.0.1:9/mcp', headers: { 'X-Api-Key': 'k' } },
  });
  await flushUsage(gateway);
  await gateway.shuttle.runtime.flowRunWriter.flush();
  await flushRequestLog(gateway);
}

/** Waits until every request log entry so far (what the Logs page lists) is in the database: they are written in batches. */
export async function flushRequestLog(gateway: TestGateway): Promise<void> {
  await flushUsage(gateway);
  const writer = gateway.shuttle.runtime.requestLogWriter;
  await writer.flush();
  while (writer.depth > 0) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    await writer.flush();
  }
}

/** Opens the newest logged request in the Logs page's detail panel (furnish() made at least one). */
export async function openNewestRequest(page: Page): Promise<void> {
  await open(page, '/logs', 'Logs');
  await page.getByRole('table', { name: 'Requests' }).getByRole('link').first().click();
  await page
    .getByRole('dialog', { name: /^Request / })
    .getByRole('list', { name: 'Conversation' })
    .waitFor();
  await page.waitForLoadState('networkidle');
}

/** Opens a page and waits until it has finished loading: its heading, its queries, its lazy charts. */
export async function open(page: Page, path: string, ready: string): Promise<void> {
  await page.goto(path);
  await page.getByRole('heading', { name: ready, exact: true }).first().waitFor();
  await page.waitForLoadState('networkidle');
  await page.locator('[role="status"][aria-label^="Loading"]').waitFor({ state: 'detached' });
}
