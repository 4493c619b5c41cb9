// Times the response cache's own work on a hit, in process: the lookup in the store and the entry's decoding, for the
// database store (SQLite and PostgreSQL) and Redis; and the key a miss costs. `npm run bench:cache [-- --lookups N]`.
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { provisionTenant } from '../src/auth/provisioning.js';
import { connectRedis } from '../src/cache/redis.js';
import { responseCacheKey } from '../src/gateway/response-cache/cache-key.js';
import { DatabaseCacheStore, RedisCacheStore, type ResponseCacheStore } from '../src/gateway/response-cache/cache-stores.js';
import { encodeAnswer } from '../src/gateway/response-cache/cached-answer.js';
import { ResponseCache } from '../src/gateway/response-cache/response-cache.js';
import type { RoutePlan } from '../src/gateway/routing/router.js';
import { GatewayMetrics } from '../src/metering/metrics.js';
import { migrateToLatest, openDatabase } from '../src/store/database.js';
import { ResponseCacheRepository } from '../src/store/repositories/response-cache.js';
import { freshDatabase, REDIS_URL } from '../test/helpers/databases.js';

const { values } = parseArgs({ options: { lookups: { type: 'string', default: '20000' } } });
const LOOKUPS = Number(values.lookups);

const params = {
  model: 'gpt-4o-mini',
  messages: [
    { role: 'system' as const, content: 'You are a concise assistant for a travel booking site. Answer in two sentences at most.' },
    { role: 'user' as const, content: 'Which is quicker from Paris to London for a day trip: the train or a flight, door to door?' },
  ],
  temperature: 0.2,
};
const plans = [
  { requested: 'gpt-4o-mini', targets: [{ connection: { name: 'openai' }, model: 'gpt-4o-mini', overrides: undefined }] },
] as unknown as RoutePlan[];
const body = JSON.stringify({
  id: 'chatcmpl-bench',
  object: 'chat.completion',
  created: 1_700_000_000,
  model: 'gpt-4o-mini-2024-07-18',
  choices: [
    { index: 0, message: { role: 'assistant', content: 'The train: about 2h20 centre to centre. '.repeat(3) }, finish_reason: 'stop' },
  ],
  usage: { prompt_tokens: 42, completion_tokens: 40, total_tokens: 82 },
});

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] as number;
}

async function time(label: string, store: ResponseCacheStore, tenantId: string): Promise<void> {
  const cache = new ResponseCache(
    store,
    undefined as never,
    new GatewayMetrics(() => 0),
    { maxEntryBytes: 1 << 20, defaultTtlSeconds: 3600, hitCostFraction: 0 },
    pino({ level: 'silent' }),
  );
  const key = responseCacheKey({ tenantId, environment: 'production', namespace: '' }, params, plans);
  const answer = {
    body,
    model: 'gpt-4o-mini',
    provider: 'openai',
    providerType: 'openai',
    usage: { promptTokens: 42, completionTokens: 40, cachedTokens: 0 },
    costMicros: 30,
    createdAt: Date.now(),
  };
  await store.set(tenantId, key, encodeAnswer(answer), answer.createdAt, 3600);
  for (let i = 0; i < 2000; i++) await cache.lookup(tenantId, key);
  const samples: number[] = [];
  for (let i = 0; i < LOOKUPS; i++) {
    const started = performance.now();
    const hit = await cache.lookup(tenantId, key);
    samples.push((performance.now() - started) * 1000);
    if (!hit) throw new Error('expected a hit');
  }
  samples.sort((a, b) => a - b);
  process.stdout.write(
    `${label.padEnd(22)} lookup+decode  p50 ${percentile(samples, 0.5).toFixed(1)} µs  p99 ${percentile(samples, 0.99).toFixed(1)} µs\n`,
  );
}

const keySamples: number[] = [];
for (let i = 0; i < LOOKUPS; i++) {
  const started = performance.now();
  responseCacheKey({ tenantId: 'ten_x', environment: 'production', namespace: '' }, params, plans);
  keySamples.push((performance.now() - started) * 1000);
}
keySamples.sort((a, b) => a - b);
process.stdout.write(
  `${'key (a miss)'.padEnd(22)} sha256 of JSON  p50 ${percentile(keySamples, 0.5).toFixed(1)} µs  p99 ${percentile(keySamples, 0.99).toFixed(1)} µs\n`,
);

for (const dialect of ['sqlite', 'postgres'] as const) {
  const database = await freshDatabase(dialect);
  const db = await openDatabase(database.url);
  try {
    await migrateToLatest(db, database.url);
    const { tenant } = await provisionTenant(db, {
      tenantName: 'Bench',
      email: `bench-${dialect}@example.com`,
      password: 'bench password 123',
    });
    await time(`database (${dialect})`, new DatabaseCacheStore(new ResponseCacheRepository(db)), tenant.id);
  } finally {
    await db.destroy();
    await database.drop();
  }
}
const redis = connectRedis(REDIS_URL, 'bench-cache', { timeoutMs: 1000 });
await new Promise((resolve) => redis.once('ready', resolve));
try {
  const store = new RedisCacheStore(redis, `bench-cache-${process.pid}:`, 1000);
  try {
    await time('redis', store, 'ten_bench');
  } finally {
    await store.clear('ten_bench');
  }
} finally {
  redis.disconnect();
}
