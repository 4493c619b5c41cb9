// Model multipliers (issue 30): a tenant on a plan is billed the provider's cost times the plan's multiplier for the
// model ("provider/model", else "*", else 1). The usage API reports both (costUsd billed, providerCostUsd), cost
// limits count the billed cost, and usage stored before billing reads as billed at its cost. Plans are given through
// the operators' API (docs/operators.md).

import { Migrator } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { provisionTenant } from '../../src/auth/provisioning.js';
import { migrateToLatest, openDatabase } from '../../src/store/database.js';
import { parsePostgresUrl } from '../../src/store/dialects/postgres.js';
import { migrationProvider } from '../../src/store/migrations/index.js';
import { spentMicros } from '../../src/store/repositories/usage-queries.js';
import { DAY_MS } from '../../src/store/repositories/usage-rollups.js';
import { call, login } from '../helpers/api.js';
import { DIALECTS, freshDatabase } from '../helpers/databases.js';
import { completion, type FakeUpstream, sendJson, startFakeOpenAi } from '../helpers/fake-openai.js';
import { flushUsage, startGateway, type TestGateway } from '../helpers/gateway.js';
import { assignPlan, makeOperator } from '../operators/operator-helpers.js';

// Every answer: 1000 prompt tokens (200 of them cached) and 500 completion tokens. On gpt-4o-mini ($0.15, cached
// $0.075, out $0.60 per million) that is 800 × 0.15 + 200 × 0.075 + 500 × 0.6 = 435 µ$; on gpt-4o ($2.50, $1.25,
// $10) 7,250 µ$.
const MINI_COST = 435;
const FOUR_O_COST = 7250;

const plan = (modelMultipliers: Record<string, number>) => ({ modelMultipliers });

describe('model multipliers', () => {
  let upstream: FakeUpstream;
  let gateway: TestGateway;
  let token: string;

  beforeAll(async () => {
    upstream = await startFakeOpenAi((request, res) => sendJson(res, 200, completion('ok', { model: request.body.model })));
    gateway = await startGateway({ env: { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: upstream.baseUrl } });
    await makeOperator(gateway);
    token = await login(gateway);
  });

  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  /** Sets the plan, and has the tenant's configuration (which carries it) reloaded with a change of its limits. */
  const usePlan = async (
    next: { modelMultipliers: Record<string, number> } | null,
    limits: Record<string, unknown> = { costUsd: { day: null } },
  ) => {
    await assignPlan(gateway, token, next);
    await call(gateway, 'PATCH', '/tenant', { auth: token, body: { limits } });
  };

  const complete = (model: string, customer: string) =>
    call(gateway, 'POST', '/chat/completions', {
      auth: gateway.masterKey,
      headers: { 'x-shuttle-customer-id': customer },
      body: { model, max_tokens: 500, messages: [{ role: 'user', content: 'hi' }] },
    });

  const usageOf = async (customer: string) => {
    await flushUsage(gateway);
    return (await call(gateway, 'GET', `/usage?groupBy=none&customer=${customer}`, { auth: gateway.masterKey })).body.totals;
  };

  beforeEach(async () => {
    await usePlan(null);
  });

  it('bills the provider cost times the model’s multiplier, "*" for the others, and reports both costs', async () => {
    await usePlan(plan({ 'openai/gpt-4o-mini': 2, '*': 1.5 }));
    const mini = await complete('openai/gpt-4o-mini', 'billed-1');
    expect(mini.status).toBe(200);
    expect(mini.headers.get('x-shuttle-cost-usd')).toBe('0.000870');
    expect((await complete('openai/gpt-4o', 'billed-1')).headers.get('x-shuttle-cost-usd')).toBe('0.010875');
    const totals = await usageOf('billed-1');
    expect(totals).toMatchObject({
      requests: 2,
      costMicros: 2 * MINI_COST + 1.5 * FOUR_O_COST,
      providerCostMicros: MINI_COST + FOUR_O_COST,
      providerCostUsd: (MINI_COST + FOUR_O_COST) / 1e6,
    });
    expect(totals.costUsd).toBeCloseTo((2 * MINI_COST + 1.5 * FOUR_O_COST) / 1e6, 9);
    // The customer's spend is what it was billed too.
    const customer = await call(gateway, 'GET', '/customers/billed-1', { auth: gateway.masterKey });
    expect(customer.body.spendUsd.day).toBeCloseTo((2 * MINI_COST + 1.5 * FOUR_O_COST) / 1e6, 9);
  });

  it('bills at cost without a plan, or for a model the plan has no multiplier for and no "*"', async () => {
    expect((await complete('openai/gpt-4o-mini', 'unbilled-1')).headers.get('x-shuttle-cost-usd')).toBe('0.000435');
    await usePlan(plan({ 'openai/gpt-4o': 3 }));
    expect((await complete('openai/gpt-4o-mini', 'unbilled-1')).headers.get('x-shuttle-cost-usd')).toBe('0.000435');
    const totals = await usageOf('unbilled-1');
    expect(totals).toMatchObject({ costMicros: 2 * MINI_COST, providerCostMicros: 2 * MINI_COST });
  });

  it('counts the billed cost against cost limits: a limit that four calls at cost leave room in is reached after two', async () => {
    // $0.002 a day: at cost (435 µ$ each, about 310 µ$ reserved) four calls fit; billed at 2× (870 µ$), two do.
    await usePlan(plan({ 'openai/gpt-4o-mini': 2 }));
    const created = await call(gateway, 'POST', '/customers', {
      auth: gateway.masterKey,
      body: { externalId: 'limited-1', limits: { costUsd: { day: 0.002 } } },
    });
    expect(created.status).toBe(201);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await complete('openai/gpt-4o-mini', 'limited-1')).status);
    expect(statuses).toEqual([200, 200, 402, 402]);
  });
});

describe.each(DIALECTS)('upgrading a database from before billing (%s)', (dialect) => {
  it('bills every stored request at its cost, in events, rollups and the spend limits start from', async () => {
    const database = await freshDatabase(dialect);
    const db = await openDatabase(database.url);
    try {
      const schema = dialect === 'postgres' ? parsePostgresUrl(database.url).schema : undefined;
      await new Migrator({ db, provider: migrationProvider, ...(schema ? { migrationTableSchema: schema } : {}) }).migrateTo(
        '0013-operators-plans',
      );
      const { tenant } = await provisionTenant(db, { tenantName: 'Old', email: 'old@old.test', password: 'an old password' });
      const now = Date.now();
      const day = Math.floor(now / DAY_MS);
      const event = {
        tenant_id: tenant.id,
        endpoint: 'chat.completions',
        prompt_tokens: 1,
        completion_tokens: 1,
        cached_tokens: 0,
        latency_ms: 5,
        streamed: 0,
        status: 200,
        created_at: now,
      };
      await db
        .insertInto('usage_events')
        .values([
          { ...event, id: 'req_a', cost_micros: 1200 },
          { ...event, id: 'req_b', cost_micros: 34 },
        ] as never)
        .execute();
      await db
        .insertInto('usage_daily')
        .values({
          tenant_id: tenant.id,
          day,
          customer_id: '',
          key_id: '',
          model: '',
          provider: '',
          status: 200,
          requests: 2,
          prompt_tokens: 2,
          completion_tokens: 2,
          cached_tokens: 0,
          cost_micros: 1234,
          latency_ms_sum: 10,
        } as never)
        .execute();
      await migrateToLatest(db, database.url);
      const events = await db.selectFrom('usage_events').select(['id', 'billed_micros']).orderBy('id').execute();
      expect(events.map((row) => [row.id, Number(row.billed_micros)])).toEqual([
        ['req_a', 1200],
        ['req_b', 34],
      ]);
      const rollup = await db.selectFrom('usage_daily').select('billed_micros').executeTakeFirstOrThrow();
      expect(Number(rollup.billed_micros)).toBe(1234);
      expect(await spentMicros(db, tenant.id, 'tenant', tenant.id, day, day + 1)).toBe(1234);
    } finally {
      await db.destroy();
      await database.drop();
    }
  });
});
