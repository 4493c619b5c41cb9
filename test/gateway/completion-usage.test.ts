// The usage and model Shuttle reads from a provider's JSON answer, which it relays verbatim: read from the answer
// object itself, whatever else in the answer carries keys of the same names, in whatever order the provider writes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeUpstream, startFakeUpstream } from '../helpers/fake-upstream.js';
import { postJson, startGateway, type TestGateway } from '../helpers/gateway.js';
import { usageEventOf } from '../helpers/gateway-client.js';

const USAGE = { prompt_tokens: 3, completion_tokens: 5, total_tokens: 8, prompt_tokens_details: { cached_tokens: 2 } };
const DECOY = { prompt_tokens: 900, completion_tokens: 900, total_tokens: 1800 };

function choices(message: Record<string, unknown> = {}) {
  return [{ index: 0, message: { role: 'assistant', content: 'Hi "model" "usage": {}', ...message }, finish_reason: 'stop' }];
}

/** Answers, by prompt: each a text, as a provider would write it. */
const ANSWERS: Record<string, string> = {
  openai: JSON.stringify({ id: 'c1', object: 'chat.completion', created: 1, model: 'served-1', choices: choices(), usage: USAGE }),
  'usage first': JSON.stringify({ usage: USAGE, id: 'c2', object: 'chat.completion', model: 'served-2', choices: choices() }),
  'nested usage after': JSON.stringify({ id: 'c3', model: 'served-3', usage: USAGE, choices: choices({ usage: DECOY }) }),
  'nested model first': JSON.stringify({ id: 'c4', choices: choices({ model: 'decoy' }), model: 'served-4', usage: USAGE }),
  'escaped model': `{"id":"c5","model":"served\\u002d5","choices":${JSON.stringify(choices())},"usage":${JSON.stringify(USAGE)}}`,
  'two usage keys': `{"id":"c6","model":"served-6","usage":${JSON.stringify(DECOY)},"choices":[],"usage":${JSON.stringify(USAGE)}}`,
  'two model keys': `{"id":"c9","model":"decoy","choices":[],"model":"served-9","usage":${JSON.stringify(USAGE)}}`,
  spaced: `{ "id" : "c7" , "model" : "served-7" , "choices" : [ ] , "usage" : ${JSON.stringify(USAGE)} }\n`,
  'no usage': JSON.stringify({ id: 'c8', model: 'served-8', choices: choices() }),
  'not json': '<html>model usage</html>',
};

describe("usage read from a provider's JSON answer", () => {
  let upstream: FakeUpstream;
  let gateway: TestGateway;

  beforeAll(async () => {
    upstream = await startFakeUpstream((request, res) => {
      const { messages } = request.body as { messages: Array<{ content: string }> };
      res.writeHead(200, { 'content-type': 'application/json' }).end(ANSWERS[messages[0]?.content ?? '']);
    });
    gateway = await startGateway({ env: { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: `${upstream.url}/v1` } });
  });

  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  const ask = (prompt: string) =>
    postJson(gateway, '/chat/completions', { model: 'gpt-4o-mini', messages: [{ role: 'user', content: prompt }] });

  it.each([
    ['openai', 'served-1'],
    ['usage first', 'served-2'],
    ['nested usage after', 'served-3'],
    ['nested model first', 'served-4'],
    ['escaped model', 'served-5'],
    ['two usage keys', 'served-6'],
    ['two model keys', 'served-9'],
    ['spaced', 'served-7'],
  ])('%s: relays the answer verbatim and meters its own usage and model', async (prompt, model) => {
    const response = await ask(prompt);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(ANSWERS[prompt]);
    expect(response.headers.get('x-shuttle-model')).toBe(model);
    expect(await usageEventOf(gateway, response)).toMatchObject({
      promptTokens: 3,
      completionTokens: 5,
      cachedTokens: 2,
      servedModel: model,
    });
  });

  it('counts the tokens of an answer without usage itself, and refuses one that is not JSON', async () => {
    const bare = await ask('no usage');
    expect(bare.status).toBe(200);
    const event = await usageEventOf(gateway, bare);
    expect(event).toMatchObject({ servedModel: 'served-8' });
    // "no usage" and the chat framing; the answer 'Hi "model" "usage": {}'.
    expect(event?.promptTokens).toBeGreaterThanOrEqual(2);
    expect(event?.completionTokens).toBeGreaterThanOrEqual(6);
    expect(event?.completionTokens).toBeLessThan(40);
    const broken = await ask('not json');
    expect(broken.status).toBe(502);
    expect(((await broken.json()) as { error: { code: string } }).error.code).toBe('upstream_invalid_response');
  });
});
