// Hard limits are hard: however the prompt is made and however the request ends, a tenant, key or customer never
// spends more than its cost limit, and every token a provider used is billed. The fake provider reports the most a
// prompt can honestly cost — OpenAI's own count for gpt-4o-mini, one token per byte for a model with no known
// tokenizer — and always answers with as many tokens as it was allowed.
import type { ServerResponse } from 'node:http';
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provisionTenant } from '../../src/auth/provisioning.js';
import { randomBase62 } from '../../src/store/ids.js';
import { call, login } from '../helpers/api.js';
import { DIALECTS, REDIS_URL, type TestDialect } from '../helpers/databases.js';
import {
  chunk,
  type FakeUpstream,
  type RecordedRequest,
  sendEvent,
  sendJson,
  startFakeOpenAi,
  startSse,
  usageChunk,
} from '../helpers/fake-openai.js';
import { flushUsage, startGateway, type TestGateway } from '../helpers/gateway.js';
import { pollUntil } from '../helpers/poll.js';

// USD per million tokens, set as the tenant's own prices so that a dollar goes quickly.
const PRICES = { 'openai/gpt-4o-mini': { input: 20, output: 40 }, 'openai/mystery-7b': { input: 20, output: 40 } };
const LIMIT_MICROS = 1_000_000;
// gpt-4o-mini counts an image at 2,833 + 5,667 per tile, 8 tiles at most; a model of unknown family at our bound.
const IMAGE_TOKENS: Record<string, number> = { 'gpt-4o-mini': 48_169, 'mystery-7b': 16_000 };
// What a client that set no max_tokens gets when nobody caps the answer.
const UNCAPPED_ANSWER_TOKENS = 50_000;

interface Message {
  role: string;
  content: string | Array<{ type: string; text?: string; image_url?: { url: string } }>;
}

/** The prompt tokens a provider would report: OpenAI's count (3 a message, 3 to prime the reply), or one a byte. */
function worstCasePromptTokens(body: Record<string, unknown>): number {
  const model = String(body.model);
  const count =
    model === 'gpt-4o-mini'
      ? (text: string) => countTokens(text, { disallowedSpecial: new Set() })
      : (text: string) => Buffer.byteLength(text);
  let tokens = 3;
  for (const message of body.messages as Message[]) {
    tokens += 3;
    if (typeof message.content === 'string') tokens += count(message.content);
    else
      for (const part of message.content)
        tokens += part.type === 'text' ? count(part.text ?? '') : (IMAGE_TOKENS[model] ?? UNCAPPED_ANSWER_TOKENS);
  }
  return tokens;
}

function allowedCompletion(body: Record<string, unknown>): number {
  return Number(body.max_completion_tokens ?? body.max_tokens ?? UNCAPPED_ANSWER_TOKENS);
}

/** Answers with every token it may; a stream sends `streamChunks` words, then ends, hangs, or breaks off. */
function worstCaseProvider(behaviour: { stream: 'finish' | 'hang' | 'break'; overshoot?: number; silent?: boolean }) {
  return async (request: RecordedRequest, res: ServerResponse) => {
    if (behaviour.silent) return; // never answers: only the client leaving ends the request
    // Slow enough that all 40 requests are in flight together.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const prompt = worstCasePromptTokens(request.body) * (behaviour.overshoot ?? 1);
    const completion = allowedCompletion(request.body);
    if (request.body.stream !== true) {
      sendJson(res, 200, {
        id: 'chatcmpl-worst',
        object: 'chat.completion',
        created: 1,
        model: request.body.model,
        choices: [{ index: 0, message: { role: 'assistant', content: 'word '.repeat(20) }, finish_reason: 'length' }],
        usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
      });
      return;
    }
    startSse(res);
    for (let i = 0; i < 20; i++) sendEvent(res, chunk({ content: ' word' }));
    // Broken off once the events have left, so that the gateway has passed them on.
    if (behaviour.stream === 'break') setTimeout(() => res.socket?.destroy(), 50);
    if (behaviour.stream !== 'finish') return;
    sendEvent(res, usageChunk(prompt, completion));
    res.end('data: [DONE]\n\n');
  };
}

const randomOf = (alphabet: readonly string[], length: number) =>
  Array.from({ length }, () => alphabet[Math.floor(Math.random() * alphabet.length)]).join('');
const EMOJI = Array.from({ length: 200 }, (_, i) => String.fromCodePoint(0x1f300 + i));
const CJK = Array.from({ length: 2000 }, (_, i) => String.fromCodePoint(0x4e00 + i * 7));

/** Prompts that tokenise far worse than English: emoji, CJK, digits, letters with no spaces, special tokens, images. */
function adversarialMessages(i: number): Message[] {
  switch (i % 6) {
    case 0:
      return [{ role: 'user', content: randomOf(EMOJI, 1500) }];
    case 1:
      return [{ role: 'user', content: randomOf(CJK, 1500) }];
    case 2:
      return [{ role: 'user', content: randomOf([...'0123456789'], 6000) }];
    case 3:
      return [
        { role: 'system', content: randomOf([...'abcdefghijklmnopqrstuvwxyz'], 5000) },
        { role: 'user', content: '?' },
      ];
    case 4:
      return [{ role: 'user', content: '<|endoftext|><|im_start|>'.repeat(200) }];
    default:
      return [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'what is this?' },
            { type: 'image_url', image_url: { url: 'https://x.test/a.png' } },
          ],
        },
      ];
  }
}

const SETUPS = DIALECTS.flatMap((dialect) => [
  { dialect, counters: 'memory' as const },
  { dialect, counters: 'redis' as const },
]);

describe.each(SETUPS)('hard cost limits ($dialect, counters in $counters)', ({ dialect, counters }) => {
  let upstream: FakeUpstream;
  let gateway: TestGateway;
  let behaviour: Parameters<typeof worstCaseProvider>[0] = { stream: 'finish' };

  beforeAll(async () => {
    upstream = await startFakeOpenAi((request, res) => worstCaseProvider(behaviour)(request, res));
    gateway = await startGateway({
      dialect: dialect as TestDialect,
      env: {
        OPENAI_API_KEY: 'sk-test',
        OPENAI_BASE_URL: upstream.baseUrl,
        ...(counters === 'redis' ? { REDIS_URL, SHUTTLE_REDIS_PREFIX: `test-${randomBase62(8)}:` } : {}),
      },
    });
  }, 30_000);

  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  /** A tenant of its own, with the test prices, and the given cost limit on the given subject. */
  async function tenantLimitedOn(scope: 'tenant' | 'key' | 'customer', limitUsd = LIMIT_MICROS / 1e6) {
    const email = `owner-${randomBase62(8).toLowerCase()}@limits.test`;
    const provisioned = await provisionTenant(gateway.shuttle.runtime.db, {
      tenantName: 'Limited',
      email,
      password: 'correct horse battery',
    });
    const token = await login(gateway, email, 'correct horse battery');
    const limits = { costUsd: { total: limitUsd } };
    await call(gateway, 'PATCH', '/tenant', { auth: token, body: { prices: PRICES, ...(scope === 'tenant' ? { limits } : {}) } });
    let key = provisioned.masterKey;
    const headers: Record<string, string> = {};
    if (scope === 'key') {
      const created = await call(gateway, 'POST', '/keys', { auth: token, body: { name: 'capped' } });
      await call(gateway, 'PATCH', `/keys/${created.body.id}`, { auth: token, body: { limits } });
      key = created.body.key;
    }
    if (scope === 'customer') {
      await call(gateway, 'POST', '/customers', { auth: key, body: { externalId: 'capped', limits } });
      headers['x-shuttle-customer-id'] = 'capped';
    }
    return { key, headers, token };
  }

  /** A request as an SDK sends it; the body is read whole (a stream's events as text). */
  async function post(key: string, path: string, body: unknown, headers: Record<string, string> = {}) {
    const response = await fetch(`${gateway.api}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    return { status: response.status, text: await response.text() };
  }

  async function spent(key: string): Promise<{ costMicros: number; promptTokens: number; completionTokens: number; requests: number }> {
    await flushUsage(gateway);
    const response = await call(gateway, 'GET', '/usage?groupBy=none', { auth: key });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body.totals;
  }

  it.each(['tenant', 'key', 'customer'] as const)(
    '40 simultaneous chat completions with adversarial prompts spend at most a one-dollar %s limit',
    async (scope) => {
      behaviour = { stream: 'finish' };
      const { key, headers } = await tenantLimitedOn(scope);
      const responses = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          post(
            key,
            '/chat/completions',
            {
              model: i % 2 === 0 ? 'openai/gpt-4o-mini' : 'openai/mystery-7b',
              messages: adversarialMessages(i),
              // A quarter set no cap: they are reserved at the default, and the answer is capped to it.
              ...(i % 4 === 3 ? {} : { max_tokens: 500 }),
              ...(i % 8 === 1 ? { stream: true } : {}),
            },
            headers,
          ),
        ),
      );
      const statuses = responses.map((r) => r.status);
      expect(
        statuses.every((s) => s === 200 || s === 402),
        JSON.stringify(statuses),
      ).toBe(true);
      expect(statuses.filter((s) => s === 200).length).toBeGreaterThan(0);
      expect(statuses.filter((s) => s === 402).length).toBeGreaterThan(0);
      const totals = await spent(key);
      expect(totals.costMicros).toBeGreaterThan(0);
      expect(totals.costMicros).toBeLessThanOrEqual(LIMIT_MICROS);
      // No answer went uncapped.
      for (const request of upstream.requests.slice(-40)) expect(allowedCompletion(request.body)).toBeLessThan(UNCAPPED_ANSWER_TOKENS);
    },
    60_000,
  );

  it('40 simultaneous flow runs whose templates expand a small body into a big prompt spend at most a $1 limit', async () => {
    behaviour = { stream: 'finish' };
    const { key, token } = await tenantLimitedOn('tenant');
    const created = await call(gateway, 'POST', '/flows', { auth: token, body: { title: 'Amplifier' } });
    const slug = created.body.slug as string;
    const templates = { main: { template: 'Repeat: [[text]]\n'.repeat(100), llm: 'openai/gpt-4o-mini', maxTokens: 100 } };
    const version = await call(gateway, 'POST', `/flows/${slug}/versions`, { auth: token, body: { templates } });
    expect(version.status, JSON.stringify(version.body)).toBe(201);
    await call(gateway, 'POST', `/flows/${slug}/versions/1/environments`, { auth: token, body: { environment: 'production' } });
    const responses = await Promise.all(
      Array.from({ length: 40 }, (_, i) => post(key, `/flows/${slug}/runs`, { parameters: { text: randomOf(i % 2 ? EMOJI : CJK, 40) } })),
    );
    const statuses = responses.map((r) => r.status);
    expect(
      statuses.every((s) => s === 200 || s === 402),
      JSON.stringify(statuses),
    ).toBe(true);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThan(0);
    expect(statuses.filter((s) => s === 402).length).toBeGreaterThan(0);
    const sent = upstream.requests.at(-1)?.body as { messages: Message[] };
    expect(String(sent.messages[0]?.content).length).toBeGreaterThan(4_000);
    const totals = await spent(key);
    expect(totals.costMicros).toBeGreaterThan(0);
    expect(totals.costMicros).toBeLessThanOrEqual(LIMIT_MICROS);
  }, 60_000);

  it('charges an answer that cost more than was reserved, and refuses the next request', async () => {
    // The provider charges 10,000 times what the prompt can cost (as a provider with another tokenizer might).
    behaviour = { stream: 'finish', overshoot: 10_000 };
    const { key } = await tenantLimitedOn('tenant');
    const body = { model: 'openai/gpt-4o-mini', max_tokens: 10, messages: [{ role: 'user', content: 'a short question' }] };
    expect((await post(key, '/chat/completions', body)).status).toBe(200);
    expect((await spent(key)).costMicros).toBeGreaterThan(LIMIT_MICROS);
    behaviour = { stream: 'finish' };
    const next = await post(key, '/chat/completions', body);
    expect(next.status).toBe(402);
    expect(JSON.parse(next.text).error.code).toBe('cost_limit_exceeded');
  }, 30_000);

  it('reserves an English prompt on its tokens, not its bytes, when its bytes would not fit', async () => {
    behaviour = { stream: 'finish' };
    // 20 KB of English: ~20,000 tokens by bytes (0.40 $ here), ~4,000 by gpt-4o-mini's tokenizer (0.08 $).
    const { key, token } = await tenantLimitedOn('tenant', 0.2);
    await call(gateway, 'PATCH', '/tenant', { auth: token, body: { limits: { requestsPerMinute: 3 } } });
    const content = 'The quick brown fox jumps over the lazy dog while the band plays on. '.repeat(300);
    const body = { model: 'openai/gpt-4o-mini', max_tokens: 100, messages: [{ role: 'user', content }] };
    const first = await post(key, '/chat/completions', body);
    expect(first.status, first.text).toBe(200);
    // A model without a known tokenizer is reserved on bytes, which do not fit.
    const refused = await post(key, '/chat/completions', { ...body, model: 'openai/mystery-7b' });
    expect(refused.status).toBe(402);
    // The first request, admitted on its second count, counted once against the requests per minute.
    const small = { ...body, messages: [{ role: 'user', content: 'hi' }] };
    expect((await post(key, '/chat/completions', small)).status).toBe(200);
    expect((await post(key, '/chat/completions', small)).status).toBe(429);
  }, 30_000);

  /** Starts a stream, reads a few events, and hangs up. */
  async function hangUpMidStream(key: string, content: string): Promise<number> {
    const controller = new AbortController();
    const response = await fetch(`${gateway.api}/chat/completions`, {
      method: 'POST',
      signal: controller.signal,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'openai/gpt-4o-mini', max_tokens: 200, stream: true, messages: [{ role: 'user', content }] }),
    });
    if (response.status !== 200) return response.status;
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    let text = '';
    while ((text.match(/ word/g) ?? []).length < 20) {
      const part = await reader.read();
      if (part.done) throw new Error(`the stream ended after ${(text.match(/ word/g) ?? []).length} of the 20 words to read: ${text}`);
      text += new TextDecoder().decode(part.value);
    }
    controller.abort();
    await reader.cancel().catch(() => undefined);
    return 200;
  }

  it('bills a stream the client abandons for its prompt and the tokens it saw, and counts it against the limit', async () => {
    behaviour = { stream: 'hang' };
    const { key } = await tenantLimitedOn('tenant', 0.5);
    const prompt = randomOf(CJK, 2000);
    expect(await hangUpMidStream(key, prompt)).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const totals = await spent(key);
    expect(totals.requests).toBe(1);
    expect(totals.promptTokens).toBeGreaterThanOrEqual(
      worstCasePromptTokens({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: prompt }] }) - 3,
    );
    expect(totals.completionTokens).toBeGreaterThanOrEqual(20);
    expect(totals.costMicros).toBeGreaterThan(0);

    // Each hang-up costs ~0.04 $: a loop of them is refused well before 50.
    let status = 200;
    for (let i = 0; i < 50 && status === 200; i++) status = await hangUpMidStream(key, prompt);
    expect(status).toBe(402);
    const after = await spent(key);
    expect(after.costMicros).toBeLessThanOrEqual(500_000);
    expect(after.costMicros).toBeGreaterThan(300_000);
  }, 60_000);

  it.each([false, true])(
    'bills a request the client abandons before any answer for its prompt (stream: %s)',
    async (stream) => {
      behaviour = { stream: 'finish', silent: true };
      const { key } = await tenantLimitedOn('tenant');
      const sent = upstream.requests.length;
      const controller = new AbortController();
      const content = randomOf(CJK, 500);
      const request = fetch(`${gateway.api}/chat/completions`, {
        method: 'POST',
        signal: controller.signal,
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'openai/gpt-4o-mini', max_tokens: 100, stream, messages: [{ role: 'user', content }] }),
      }).catch(() => undefined);
      const reached = await pollUntil(
        () => upstream.requests.length,
        (count) => count > sent,
        { withinMs: 10_000, everyMs: 10 },
      );
      expect(reached, 'the request never reached the provider').toBeGreaterThan(sent);
      controller.abort();
      await request;
      await new Promise((resolve) => setTimeout(resolve, 100));
      const totals = await spent(key);
      expect(totals.requests).toBe(1);
      expect(totals.promptTokens).toBeGreaterThanOrEqual(
        worstCasePromptTokens({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }] }) - 3,
      );
      expect(totals.completionTokens).toBe(0);
      expect(totals.costMicros).toBeGreaterThan(0);
    },
    30_000,
  );

  it('bills a stream the provider breaks off after sending content', async () => {
    behaviour = { stream: 'break' };
    const { key } = await tenantLimitedOn('tenant');
    const response = await post(key, '/chat/completions', {
      model: 'openai/gpt-4o-mini',
      max_tokens: 200,
      stream: true,
      messages: [{ role: 'user', content: 'tell me a story' }],
    });
    expect(response.status).toBe(200);
    expect(response.text).toContain('"error"');
    const totals = await spent(key);
    expect(totals.requests).toBe(1);
    expect(totals.promptTokens).toBeGreaterThan(0);
    expect(totals.completionTokens).toBeGreaterThanOrEqual(20);
    expect(totals.costMicros).toBeGreaterThan(0);
  }, 30_000);
});
