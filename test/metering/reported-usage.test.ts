import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../helpers/api.js';
import { DIALECTS } from '../helpers/databases.js';
import { chunk, completion, type FakeUpstream, sendEvent, sendJson, startFakeOpenAi, startSse } from '../helpers/fake-openai.js';
import { flushUsage, startGateway, type TestGateway } from '../helpers/gateway.js';

// A provider a tenant points its connection at can report any "usage": counts that are no counts are replaced by
// Shuttle's own — the prompt's upper bound, the answer's text counted — never billed as nothing.
const BAD_USAGES: Record<string, unknown> = {
  text: { prompt_tokens: 'lots', completion_tokens: 'many', total_tokens: 'lots' },
  negative: { prompt_tokens: -1000, completion_tokens: -500, total_tokens: -1500 },
  fractional: { prompt_tokens: 0.5, completion_tokens: 0.25, total_tokens: 0.75 },
  huge: { prompt_tokens: 1e15, completion_tokens: 1e12, total_tokens: 1e15 },
  missing: { prompt_tokens: null, completion_tokens: null },
  zero: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 },
};
const PROMPT = 'Please count these words honestly.';

describe.each(DIALECTS)('token counts a provider reports, on %s', (dialect) => {
  let upstream: FakeUpstream;
  let gateway: TestGateway;

  beforeAll(async () => {
    upstream = await startFakeOpenAi((request, res) => {
      const kind = String((request.body.messages as { content: string }[])[0]?.content).split(':')[0] as string;
      if (request.body.stream === true) {
        startSse(res);
        sendEvent(res, chunk({ role: 'assistant', content: 'Hello' }));
        sendEvent(res, chunk({ content: ' there, counted' }, 'stop'));
        sendEvent(res, JSON.stringify({ ...JSON.parse(chunk({})), choices: [], usage: BAD_USAGES[kind] }));
        res.end('data: [DONE]\n\n');
        return;
      }
      sendJson(res, 200, completion('ok', kind in BAD_USAGES ? { usage: BAD_USAGES[kind] } : {}));
    });
    gateway = await startGateway({ dialect, env: { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: upstream.baseUrl } });
  });

  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  const body = (kind: string) => ({
    model: 'openai/gpt-4o-mini',
    max_tokens: 50,
    messages: [{ role: 'user', content: `${kind}: ${PROMPT}` }],
  });
  const ask = (kind: string) =>
    call(gateway, 'POST', '/chat/completions', {
      auth: gateway.masterKey,
      headers: { 'x-shuttle-customer-id': `${kind}-json` },
      body: body(kind),
    });
  const usageOf = async (customer: string) => {
    await flushUsage(gateway);
    const report = await call(gateway, 'GET', '/usage?groupBy=customer', { auth: gateway.masterKey });
    return (report.body.data as Array<Record<string, number | string>>).find((row) => row.customer === customer);
  };

  it('bills counts that are not whole, non-negative, plausible numbers as the prompt bound and the answer counted', async () => {
    const honest = await ask('honest');
    expect(honest.status).toBe(200);
    expect(await usageOf('honest-json')).toMatchObject({ promptTokens: 1000, completionTokens: 500 });
    for (const kind of Object.keys(BAD_USAGES)) {
      const answer = await ask(kind);
      expect(answer.status, kind).toBe(200);
      expect(Number(answer.headers.get('x-shuttle-cost-usd')), kind).toBeGreaterThan(0);
      const usage = await usageOf(`${kind}-json`);
      // The answer is "ok", whatever the provider claimed: one token, or two bytes while the tokenizer still loads.
      expect(usage?.completionTokens, kind).toBeGreaterThanOrEqual(1);
      expect(usage?.completionTokens, kind).toBeLessThanOrEqual(2);
      // The prompt's upper bound (a tokenizer's count for OpenAI's models): a token a word at least, never the
      // provider's made-up figure.
      expect(usage?.promptTokens, kind).toBeGreaterThanOrEqual(`${kind}: ${PROMPT}`.split(' ').length);
      expect(usage?.promptTokens, kind).toBeLessThan(10_000);
      expect(usage?.costUsd, kind).toBeGreaterThan(0);
    }
  });

  it('bills a stream whose final count is not a number for what it streamed', async () => {
    const answer = await fetch(`${gateway.url}/api/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gateway.masterKey}`, 'content-type': 'application/json', 'x-shuttle-customer-id': 'text-stream' },
      body: JSON.stringify({ ...body('text'), stream: true, stream_options: { include_usage: true } }),
    });
    expect(answer.status).toBe(200);
    expect(await answer.text()).toContain('[DONE]');
    const usage = await usageOf('text-stream');
    expect(usage?.completionTokens).toBeGreaterThan(0);
    expect(usage?.completionTokens).toBeLessThan(50);
    expect(usage?.promptTokens).toBeGreaterThan(0);
    expect(usage?.costUsd).toBeGreaterThan(0);
  });
});
