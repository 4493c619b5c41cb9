import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provisionTenant } from '../../src/auth/provisioning.js';
import { addMember, call, login } from '../helpers/api.js';
import { DIALECTS } from '../helpers/databases.js';
import { flushUsage, startGateway, type TestGateway } from '../helpers/gateway.js';

const ask = (content = 'count these four words') => ({ model: 'mock/echo', messages: [{ role: 'user', content }] });

describe.each(DIALECTS)('customers on %s', (dialect) => {
  let gateway: TestGateway;
  let second: TestGateway;

  beforeAll(async () => {
    gateway = await startGateway({ dialect });
    second = await startGateway({ dialect, sharing: gateway });
  });

  afterAll(async () => {
    await second?.close();
    await gateway?.close();
  });

  const complete = (headers: Record<string, string>, body: Record<string, unknown> = ask(), on = gateway) =>
    call(on, 'POST', '/chat/completions', { auth: gateway.masterKey, headers, body });

  it('creates a customer on first use of X-Shuttle-Customer-Id and attributes its usage', async () => {
    expect((await complete({ 'x-shuttle-customer-id': 'cust-alpha' })).status).toBe(200);
    await flushUsage(gateway);
    const customer = await call(gateway, 'GET', '/customers/cust-alpha', { auth: gateway.masterKey });
    expect(customer.status).toBe(200);
    expect(customer.body).toMatchObject({ externalId: 'cust-alpha', blocked: false });
    const usage = await call(gateway, 'GET', '/customers/cust-alpha/usage?groupBy=none', { auth: gateway.masterKey });
    expect(usage.body.totals).toMatchObject({ requests: 1, promptTokens: 4, completionTokens: 4, costMicros: 12 });
  });

  it('takes the customer from the OpenAI user field when there is no header, and prefers the header', async () => {
    await complete({}, { ...ask(), user: 'from-user-field' });
    await complete({ 'x-shuttle-customer-id': 'from-header' }, { ...ask(), user: 'ignored-user' });
    expect((await call(gateway, 'GET', '/customers/from-user-field', { auth: gateway.masterKey })).status).toBe(200);
    expect((await call(gateway, 'GET', '/customers/from-header', { auth: gateway.masterKey })).status).toBe(200);
    expect((await call(gateway, 'GET', '/customers/ignored-user', { auth: gateway.masterKey })).status).toBe(404);
  });

  it('refuses an invalid customer id with 400, on any endpoint', async () => {
    const tooLong = await complete({ 'x-shuttle-customer-id': 'x'.repeat(257) });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error).toMatchObject({ code: 'invalid_customer_id', param: 'X-Shuttle-Customer-Id' });
    const control = await complete({}, { ...ask(), user: 'tab\there' });
    expect(control.body.error).toMatchObject({ code: 'invalid_customer_id', param: 'user' });
    expect(
      (await call(gateway, 'GET', '/models', { auth: gateway.masterKey, headers: { 'x-shuttle-customer-id': 'y'.repeat(300) } })).status,
    ).toBe(400);
    expect((await complete({ 'x-shuttle-customer-id': 'x'.repeat(256) })).status).toBe(200);
  });

  it('makes exactly one record for 50 concurrent first requests, across two instances', async () => {
    const id = `race-${dialect}`;
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) => complete({ 'x-shuttle-customer-id': id }, ask(), i % 2 === 0 ? gateway : second)),
    );
    expect(responses.every((r) => r.status === 200)).toBe(true);
    const rows = await gateway.shuttle.runtime.db.selectFrom('customers').select('id').where('external_id', '=', id).execute();
    expect(rows).toHaveLength(1);
  });

  it('blocks a customer at once, and unblocks', async () => {
    await complete({ 'x-shuttle-customer-id': 'mallory' });
    const blocked = await call(gateway, 'PATCH', '/customers/mallory', { auth: gateway.masterKey, body: { blocked: true } });
    expect(blocked.body.blocked).toBe(true);
    const refused = await complete({ 'x-shuttle-customer-id': 'mallory' });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('customer_blocked');
    // Again, now that the blocked customer is cached on this instance; and on another instance.
    expect((await complete({ 'x-shuttle-customer-id': 'mallory' })).body.error.code).toBe('customer_blocked');
    expect((await complete({ 'x-shuttle-customer-id': 'mallory' }, ask(), second)).status).toBe(403);
    await call(gateway, 'PATCH', '/customers/mallory', { auth: gateway.masterKey, body: { blocked: false } });
    expect((await complete({ 'x-shuttle-customer-id': 'mallory' })).status).toBe(200);
  });

  it('creates, reads, updates and deletes customers through the API', async () => {
    const created = await call(gateway, 'POST', '/customers', {
      auth: gateway.masterKey,
      body: {
        externalId: 'acme-42',
        name: 'Acme Corp',
        email: 'billing@acme.example',
        metadata: { plan: 'pro' },
        limits: { costUsd: { month: 50 } },
      },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      externalId: 'acme-42',
      name: 'Acme Corp',
      metadata: { plan: 'pro' },
      limits: { costUsd: { day: null, month: 50, total: null } },
    });
    expect(created.body.spendUsd).toEqual({ day: 0, month: 0, total: 0 });
    expect((await call(gateway, 'POST', '/customers', { auth: gateway.masterKey, body: { externalId: 'acme-42' } })).status).toBe(409);

    const patched = await call(gateway, 'PATCH', '/customers/acme-42', {
      auth: gateway.masterKey,
      body: { name: 'Acme Inc', limits: { costUsd: { day: 5 }, requestsPerMinute: 60 } },
    });
    expect(patched.body).toMatchObject({
      name: 'Acme Inc',
      email: 'billing@acme.example',
      limits: { costUsd: { day: 5, month: 50 }, requestsPerMinute: 60 },
    });
    const cleared = await call(gateway, 'PATCH', '/customers/acme-42', {
      auth: gateway.masterKey,
      body: { limits: { costUsd: { month: null } } },
    });
    expect(cleared.body.limits.costUsd).toEqual({ day: 5, month: null, total: null });
    expect((await call(gateway, 'PATCH', '/customers/acme-42', { auth: gateway.masterKey, body: { email: 'not-an-email' } })).status).toBe(
      400,
    );

    expect((await call(gateway, 'DELETE', '/customers/acme-42', { auth: gateway.masterKey })).status).toBe(204);
    expect((await call(gateway, 'GET', '/customers/acme-42', { auth: gateway.masterKey })).status).toBe(404);
    expect((await call(gateway, 'DELETE', '/customers/acme-42', { auth: gateway.masterKey })).status).toBe(404);
  });

  it('lists customers by spend, searches, and paginates', async () => {
    for (const [id, words] of [
      ['big-spender', 'one two three four five six seven eight nine ten'],
      ['small-spender', 'one'],
    ] as const) {
      await complete({ 'x-shuttle-customer-id': id }, ask(words));
    }
    await call(gateway, 'PATCH', '/customers/small-spender', {
      auth: gateway.masterKey,
      body: { name: 'Tiny Ltd', email: 'ops@tiny.example' },
    });
    await flushUsage(gateway);
    const list = await call(gateway, 'GET', '/customers?sort=spend&order=desc&limit=100', { auth: gateway.masterKey });
    const ids = list.body.data.map((c: { externalId: string }) => c.externalId);
    expect(ids.indexOf('big-spender')).toBeLessThan(ids.indexOf('small-spender'));
    const big = list.body.data.find((c: { externalId: string }) => c.externalId === 'big-spender');
    expect(big).toMatchObject({ requests: 1, spendMicros: 30 });

    const byName = await call(gateway, 'GET', '/customers?search=TINY', { auth: gateway.masterKey });
    expect(byName.body.data.map((c: { externalId: string }) => c.externalId)).toEqual(['small-spender']);
    const wildcard = await call(gateway, 'GET', '/customers?search=%25', { auth: gateway.masterKey });
    expect(wildcard.body.data).toEqual([]);

    const pages: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { data: Array<{ externalId: string }>; nextCursor: string | null } } = await call(
        gateway,
        'GET',
        `/customers?sort=externalId&order=asc&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        { auth: gateway.masterKey },
      );
      pages.push(...page.body.data.map((c) => c.externalId));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(pages).toEqual([...pages].sort());
    expect(new Set(pages).size).toBe(pages.length);
    expect(pages.length).toBeGreaterThan(4);
  });

  it('lets members read customers, and only admins change them', async () => {
    const owner = await login(gateway);
    const { token: viewer } = await addMember(gateway, owner, `viewer-${dialect}@acme.test`, 'viewer');
    expect((await call(gateway, 'GET', '/customers', { auth: viewer })).status).toBe(200);
    expect((await call(gateway, 'PATCH', '/customers/cust-alpha', { auth: viewer, body: { blocked: true } })).status).toBe(403);
  });

  it('keeps customers per tenant: another tenant sees 404', async () => {
    const other = await provisionTenant(gateway.shuttle.runtime.db, {
      tenantName: 'Other',
      email: `other-${dialect}@x.test`,
      password: 'other password',
    });
    expect((await call(gateway, 'GET', '/customers/cust-alpha', { auth: other.masterKey })).status).toBe(404);
    expect((await call(gateway, 'PATCH', '/customers/cust-alpha', { auth: other.masterKey, body: { blocked: true } })).status).toBe(404);
    expect((await call(gateway, 'GET', '/customers', { auth: other.masterKey })).body.data).toEqual([]);
    await call(gateway, 'POST', '/chat/completions', {
      auth: other.masterKey,
      headers: { 'x-shuttle-customer-id': 'cust-alpha' },
      body: ask(),
    });
    const rows = await gateway.shuttle.runtime.db
      .selectFrom('customers')
      .select('tenant_id')
      .where('external_id', '=', 'cust-alpha')
      .execute();
    expect(rows).toHaveLength(2);
  });
});
