// Seeds a tenant with a million usage events over 30 days (through the real batch writer, so rollups are built as
// in production) and times 30-day usage queries over HTTP. `npm run bench:usage [-- --events N] [-- --only sqlite]`.
import { parseArgs } from 'node:util';
import { provisionTenant } from '../src/auth/provisioning.js';
import { loadConfig } from '../src/config/config.js';
import { createShuttle } from '../src/shuttle.js';
import { randomBase62 } from '../src/store/ids.js';
import type { UsageEvent } from '../src/store/repositories/usage-events.js';
import { DIALECTS, freshDatabase, type TestDialect } from '../test/helpers/databases.js';

const { values } = parseArgs({ options: { events: { type: 'string', default: '1000000' }, only: { type: 'string' } } });
const EVENTS = Number(values.events);
const DAY = 86_400_000;
const MODELS = ['openai/gpt-4o-mini', 'openai/gpt-4o', 'anthropic/claude-sonnet-4', 'google/gemini-2.5-flash', 'smart'];

async function run(dialect: TestDialect): Promise<Record<string, number | string>> {
  const database = await freshDatabase(dialect);
  const shuttle = await createShuttle(
    loadConfig({ DATABASE_URL: database.url, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', SHUTTLE_SECRET: 'x'.repeat(32) }),
  );
  try {
    const { tenant, masterKey } = await provisionTenant(shuttle.runtime.db, {
      tenantName: 'Big',
      email: 'big@example.com',
      password: 'big tenant password',
    });
    const customers = await Promise.all(
      Array.from({ length: 200 }, (_, i) => shuttle.runtime.repos.customers.ensure(tenant.id, `customer-${i}`)),
    );
    const keys = [`key_${randomBase62(20)}`, `key_${randomBase62(20)}`, `key_${randomBase62(20)}`];
    const end = Math.floor(Date.now() / DAY) * DAY;
    const seedStarted = performance.now();
    const batch: UsageEvent[] = [];
    for (let i = 0; i < EVENTS; i++) {
      const failed = i % 50 === 0;
      batch.push({
        id: `req_${i}_${randomBase62(8)}`,
        tenantId: tenant.id,
        keyId: keys[i % 3] as string,
        customerId: (customers[(i * 7919) % 200] as { id: string }).id,
        environment: 'production',
        endpoint: 'chat.completions',
        requestedModel: MODELS[i % MODELS.length] as string,
        provider: 'openai',
        servedModel: 'gpt-4o-mini',
        promptTokens: failed ? 0 : 200 + (i % 300),
        completionTokens: failed ? 0 : 50 + (i % 150),
        cachedTokens: 0,
        costMicros: failed ? 0 : 100 + (i % 900),
        latencyMs: 80 + ((i * 31) % 1900),
        upstreamMs: 70,
        ttftMs: null,
        streamed: false,
        status: failed ? 502 : 200,
        errorCode: failed ? 'upstream_error' : null,
        createdAt: end - 30 * DAY + Math.floor((i / EVENTS) * 30 * DAY),
      });
      if (batch.length === 2000) await shuttle.runtime.repos.usageEvents.insertBatch(batch.splice(0));
    }
    await shuttle.runtime.repos.usageEvents.insertBatch(batch.splice(0));
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    const rollupRows = Number(
      (
        await shuttle.runtime.db
          .selectFrom('usage_daily')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

    const url = await shuttle.listen();
    const timings: Record<string, number | string> = { dialect, events: EVENTS, rollupRows, seedSeconds: Math.round(seedSeconds) };
    for (const groupBy of ['day', 'customer', 'model', 'none']) {
      const query = `${url}/api/v1/usage?groupBy=${groupBy}&from=${new Date(end - 30 * DAY).toISOString().slice(0, 10)}&to=${new Date(end).toISOString().slice(0, 10)}`;
      let best = Number.POSITIVE_INFINITY;
      let requests = 0;
      for (let i = 0; i < 5; i++) {
        const started = performance.now();
        const response = await fetch(query, { headers: { authorization: `Bearer ${masterKey}` } });
        const body = (await response.json()) as { totals: { requests: number } };
        best = Math.min(best, performance.now() - started);
        requests = body.totals.requests;
      }
      if (requests !== EVENTS) throw new Error(`groupBy=${groupBy} counted ${requests} requests, not ${EVENTS}`);
      timings[`${groupBy} (ms)`] = Math.round(best);
    }
    return timings;
  } finally {
    await shuttle.close();
    await database.drop();
  }
}

const results = [];
for (const dialect of DIALECTS) if (!values.only || values.only === dialect) results.push(await run(dialect));
// biome-ignore lint/suspicious/noConsole: a benchmark's output is its table
console.table(results);
