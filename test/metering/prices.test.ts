import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { microsToUsd, PriceTable, usdWithSixDecimals } from '../../src/metering/price-table.js';
import { call, login } from '../helpers/api.js';
import { completion, type FakeUpstream, sendJson, startFakeOpenAi } from '../helpers/fake-openai.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';

describe('prices', () => {
  let upstream: FakeUpstream;
  let gateway: TestGateway;
  let token: string;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shuttle-prices-'));
    const file = join(dir, 'prices.json');
    // The deployment negotiated its own price for gpt-4o-mini, and prices a model the shipped table lacks.
    writeFileSync(
      file,
      JSON.stringify({ 'openai/gpt-4o-mini': { input: 0.1, output: 0.5 }, 'openai/house-model': { input: 1, output: 1 } }),
    );
    upstream = await startFakeOpenAi((request, res) =>
      sendJson(
        res,
        200,
        completion('ok', { model: request.body.model, usage: { prompt_tokens: 1000, completion_tokens: 1000, total_tokens: 2000 } }),
      ),
    );
    gateway = await startGateway({ env: { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: upstream.baseUrl, SHUTTLE_PRICES_FILE: file } });
    token = await login(gateway);
  });

  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  const cost = async (model: string) =>
    (
      await call(gateway, 'POST', '/chat/completions', {
        auth: gateway.masterKey,
        body: { model, messages: [{ role: 'user', content: 'x' }] },
      })
    ).headers.get('x-shuttle-cost-usd');

  it('bills at the deployment’s prices over the shipped table', async () => {
    expect(await cost('openai/gpt-4o-mini')).toBe('0.000600');
    expect(await cost('openai/house-model')).toBe('0.002000');
    expect(await cost('openai/gpt-4o')).toBe('0.012500');
  });

  it('bills a tenant at its own prices, and shows the effective table', async () => {
    const set = await call(gateway, 'PATCH', '/tenant', {
      auth: token,
      body: { prices: { 'openai/gpt-4o': { input: 1, output: 2, cachedInput: 0.5 } } },
    });
    expect(set.body.prices).toEqual({ 'openai/gpt-4o': { input: 1, output: 2, cachedInput: 0.5 } });
    expect(await cost('openai/gpt-4o')).toBe('0.003000');
    const table = await call(gateway, 'GET', '/prices', { auth: gateway.masterKey });
    expect(table.body.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(table.body.data).toEqual(
      expect.arrayContaining([
        { model: 'openai/gpt-4o', input: 1, output: 2, cachedInput: 0.5, overridden: true },
        expect.objectContaining({ model: 'openai/gpt-4o-mini', input: 0.1, output: 0.5, overridden: false }),
        expect.objectContaining({ model: 'anthropic/claude-sonnet-4', input: 3, output: 15 }),
      ]),
    );
    await call(gateway, 'PATCH', '/tenant', { auth: token, body: { prices: { 'openai/gpt-4o': null } } });
    expect(await cost('openai/gpt-4o')).toBe('0.012500');
    expect((await call(gateway, 'PATCH', '/tenant', { auth: token, body: { prices: { 'gpt-4o': { input: 1, output: 1 } } } })).status).toBe(
      400,
    );
  });

  it('names a broken prices file at start-up', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shuttle-prices-'));
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ 'openai/x': { input: 'cheap' } }));
    await expect(startGateway({ env: { SHUTTLE_PRICES_FILE: join(dir, 'bad.json') } })).rejects.toThrow(/SHUTTLE_PRICES_FILE/);
  });
});

describe('the price table', () => {
  it('names the providers of a bare model name, including names with a slash of their own', () => {
    const table = new PriceTable({ 'acme/gpt-4o-mini': { input: 1, output: 2 } });
    expect(table.providersOfModel('gpt-4o-mini')).toEqual(expect.arrayContaining(['openai', 'acme']));
    expect(table.providersOfModel('gpt-4o-mini')).not.toContain('openrouter/openai');
    expect(table.providersOfModel('meta-llama/llama-4-scout-17b-16e-instruct')).toEqual(['groq']);
    expect(table.providersOfModel('no-such-model')).toEqual([]);
  });
});

describe('x-shuttle-cost-usd', () => {
  it('writes micro-dollars as toFixed(6) does, from integers', () => {
    const samples = [0, 1, 9, 10, 435, 99_999, 100_000, 999_999, 1_000_000, 1_000_001, 12_500_000, 987_654_321_012];
    for (let i = 1; i <= 2000; i++) samples.push((i * 2_654_435_761) % 10 ** (i % 13)); // every magnitude up to $1M
    for (const micros of samples) expect(usdWithSixDecimals(micros), String(micros)).toBe(microsToUsd(micros).toFixed(6));
    // Not integers, or negative: as toFixed writes them.
    for (const micros of [0.5, 1234.5678, -435]) expect(usdWithSixDecimals(micros)).toBe(microsToUsd(micros).toFixed(6));
  });
});
