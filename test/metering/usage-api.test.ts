import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, login } from '../helpers/api.js';
import { DIALECTS } from '../helpers/databases.js';
import { flushUsage, startGateway, type TestGateway } from '../helpers/gateway.js';

const DAY = 86_400_000;

describe.each(DIALECTS)('the usage API on %s', (dialect) => {
  let gateway: TestGateway;
  let subKey: { id: string; key: string };

  beforeAll(async () => {
    gateway = await startGateway({ dialect });
    const token = await login(gateway);
    subKey = (await call(gateway, 'POST', '/keys', { auth: token, body: { name: 'Reporting key' } })).body;
    const send = (key: string, customer: string | null, model: string, words: string) =>
      call(gateway, 'POST', '/chat/completions', {
        auth: key,
        headers: customer ? { 'x-shuttle-customer-id': customer } : {},
        body: { model, messages: [{ role: 'user', content: words }] },
      });
    await send(gateway.masterKey, 'alice', 'mock/echo', 'one two three');
    await send(gateway.masterKey, 'alice', 'mock/echo', 'one two');
    await send(subKey.key, 'bob', 'echo', 'one');
    await send(subKey.key, null, 'mock/echo', 'one two three four five');
    await send(gateway.masterKey, 'bob', 'mock/missing', 'fails');
    await flushUsage(gateway);
  });

  afterAll(async () => {
    await gateway?.close();
  });

  const usage = async (query: string) => {
    const response = await call(gateway, 'GET', `/usage?${query}`, { auth: gateway.masterKey });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body;
  };

  it('totals requests, errors, tokens, cost and latency', async () => {
    const { totals, data } = await usage('groupBy=none');
    expect(data).toEqual([]);
    expect(totals).toMatchObject({
      requests: 5,
      errors: 1,
      promptTokens: 11,
      completionTokens: 11,
      totalTokens: 22,
      costMicros: 33,
      costUsd: 0.000033,
    });
    expect(totals.latencyP50Ms).toEqual(expect.any(Number));
    expect(totals.latencyP95Ms).toBeGreaterThanOrEqual(totals.latencyP50Ms);
  });

  it('groups by day, hour, customer, model, key and provider', async () => {
    const today = new Date().toISOString().slice(0, 10);
    expect((await usage('groupBy=day')).data).toEqual([expect.objectContaining({ day: today, requests: 5 })]);
    const hours = (await usage(`groupBy=hour&from=${today}`)).data;
    expect(hours.reduce((n: number, row: { requests: number }) => n + row.requests, 0)).toBe(5);
    expect(hours[0].hour).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:00:00.000Z$/);

    const customers = (await usage('groupBy=customer')).data;
    expect(customers).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ customer: 'alice', requests: 2, promptTokens: 5 }),
        expect.objectContaining({ customer: 'bob', requests: 2, errors: 1 }),
        expect.objectContaining({ customer: '', requests: 1 }),
      ]),
    );
    expect(customers[0].costMicros).toBeGreaterThanOrEqual(customers[1].costMicros);

    const models = (await usage('groupBy=model')).data.map((r: { model: string; requests: number }) => [r.model, r.requests]);
    expect(models).toEqual(
      expect.arrayContaining([
        ['mock/echo', 3],
        ['echo', 1],
        ['mock/missing', 1],
      ]),
    );

    const keys = (await usage('groupBy=key')).data;
    expect(keys).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ keyId: subKey.id, keyName: 'Reporting key', requests: 2 }),
        expect.objectContaining({ keyName: 'Master key', requests: 3 }),
      ]),
    );
    expect((await usage('groupBy=provider')).data).toEqual([expect.objectContaining({ provider: 'mock', requests: 5 })]);
  });

  it('filters by customer, key, model, provider and status', async () => {
    expect((await usage('groupBy=none&customer=alice')).totals.requests).toBe(2);
    expect((await usage('groupBy=none&customer=nobody')).totals.requests).toBe(0);
    expect((await usage(`groupBy=none&key=${subKey.id}`)).totals.requests).toBe(2);
    expect((await usage('groupBy=none&model=echo')).totals.requests).toBe(1);
    expect((await usage('groupBy=none&provider=mock&status=error')).totals).toMatchObject({ requests: 1, errors: 1 });
    expect((await usage('groupBy=none&status=success')).totals.requests).toBe(4);
    expect((await usage('groupBy=none&status=404')).totals.requests).toBe(1);
  });

  it('never shows a percentile that its own average rules out (a median of 3 ms beside an average of 0 ms)', async () => {
    // The mock answers in a millisecond or two: all in the first histogram bucket (0–5 ms), whose middle is 3 ms.
    // At least half the requests take at least the median, so the median is at most twice the average.
    for (const groupBy of ['none', 'day', 'hour', 'customer', 'model', 'key', 'provider']) {
      const report = await usage(`groupBy=${groupBy}&from=${new Date(Date.now() - DAY).toISOString().slice(0, 10)}`);
      for (const row of [report.totals, ...report.data]) {
        expect(row.latencyP50Ms, `${groupBy}: ${JSON.stringify(row)}`).toBeLessThanOrEqual(2 * row.latencyAvgMs);
        expect(row.latencyP95Ms).toBeGreaterThanOrEqual(row.latencyP50Ms);
        expect(row.latencyP95Ms).toBeLessThanOrEqual(20 * row.latencyAvgMs + 9);
      }
    }
  });

  it('answers the same from the daily rollups as from the raw events', async () => {
    const now = Date.now();
    const fromRollups = await usage(`groupBy=customer&from=${new Date(now - 2 * DAY).toISOString().slice(0, 10)}`);
    const fromEvents = await usage(
      `groupBy=customer&from=${new Date(now - 3_600_000).toISOString()}&to=${new Date(now + 60_000).toISOString()}`,
    );
    expect(fromEvents.data).toEqual(fromRollups.data);
    expect(fromEvents.totals).toEqual(fromRollups.totals);
  });

  it('exports the same rows as CSV', async () => {
    const response = await fetch(`${gateway.api}/usage?groupBy=customer&format=csv`, {
      headers: { authorization: `Bearer ${gateway.masterKey}` },
    });
    expect(response.headers.get('content-type')).toContain('text/csv');
    expect(response.headers.get('content-disposition')).toMatch(/attachment; filename="usage-customer-.*\.csv"/);
    const lines = (await response.text()).trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'customer,requests,errors,promptTokens,completionTokens,cachedTokens,totalTokens,costUsd,costMicros,providerCostUsd,providerCostMicros,latencyAvgMs,latencyP50Ms,latencyP95Ms,cacheHits,savedUsd',
    );
    const json = (await usage('groupBy=customer')).data;
    expect(lines).toHaveLength(json.length + 1);
    const alice = lines.find((line) => line.startsWith('alice,'))?.split(',');
    const aliceJson = json.find((row: { customer: string }) => row.customer === 'alice');
    expect(alice?.slice(0, 9)).toEqual(['alice', '2', '0', '5', '5', '0', '10', String(aliceJson.costUsd), String(aliceJson.costMicros)]);
  });

  it('validates its query', async () => {
    expect((await call(gateway, 'GET', '/usage?groupBy=week', { auth: gateway.masterKey })).status).toBe(400);
    expect((await call(gateway, 'GET', '/usage?from=2026-02-01&to=2026-01-01', { auth: gateway.masterKey })).status).toBe(400);
    expect((await call(gateway, 'GET', '/usage?from=yesterday', { auth: gateway.masterKey })).body.error.param).toBe('from');
    expect((await call(gateway, 'GET', '/usage?groupBy=hour&from=2026-01-01&to=2026-03-01', { auth: gateway.masterKey })).status).toBe(400);
  });
});
