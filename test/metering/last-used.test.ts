// Keys' last-used and customers' last-seen times are written in the background, in batches; they reach the
// database (and so every other instance) when the instance that saw the requests stops.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, chat, login } from '../helpers/api.js';
import { DIALECTS } from '../helpers/databases.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';

describe.each(DIALECTS)('last-used and last-seen times on %s', (dialect) => {
  let reader: TestGateway;

  beforeAll(async () => {
    reader = await startGateway({ dialect });
  });

  afterAll(async () => {
    await reader?.close();
  });

  it('are written in one batch by the instance that served the requests, for every key and customer it saw', async () => {
    const token = await login(reader);
    const subKey = await call(reader, 'POST', '/keys', { auth: token, body: { name: 'Batch writer' } });
    expect(subKey.status).toBe(201);

    const server = await startGateway({ dialect, sharing: reader });
    const customers = Array.from({ length: 30 }, (_, i) => `last-seen-${i}`);
    const before = Date.now();
    for (const customer of customers) {
      expect((await chat(server, subKey.body.key, { 'x-shuttle-customer-id': customer })).status).toBe(200);
    }
    expect((await chat(server, server.masterKey)).status).toBe(200);
    await server.close();

    const keys = await call(reader, 'GET', '/keys', { auth: token });
    for (const id of [subKey.body.id, keys.body.data.find((key: { kind: string }) => key.kind === 'master').id]) {
      const key = keys.body.data.find((entry: { id: string }) => entry.id === id);
      expect(Date.parse(key.lastUsedAt)).toBeGreaterThanOrEqual(before - 1000);
    }
    for (const customer of customers) {
      const seen = await call(reader, 'GET', `/customers/${customer}`, { auth: reader.masterKey });
      expect(seen.status).toBe(200);
      expect(Date.parse(seen.body.lastSeenAt)).toBeGreaterThanOrEqual(before - 1000);
    }
  });
  it('are written as often as SHUTTLE_LAST_USED_FLUSH_MS says, while the instance keeps serving', async () => {
    const server = await startGateway({ dialect, sharing: reader, env: { SHUTTLE_LAST_USED_FLUSH_MS: '100' } });
    try {
      expect((await chat(server, server.masterKey, { 'x-shuttle-customer-id': 'flushed-soon' })).status).toBe(200);
      // Read through the other instance, which sees only what has reached the database (the default is every 10 s).
      let lastSeenAt: string | null = null;
      for (let tries = 0; tries < 40 && lastSeenAt === null; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        lastSeenAt = (await call(reader, 'GET', '/customers/flushed-soon', { auth: reader.masterKey })).body.lastSeenAt ?? null;
      }
      expect(lastSeenAt).not.toBeNull();
    } finally {
      await server.close();
    }
  });
});
