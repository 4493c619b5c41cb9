// How Shuttle reads a provider's answer: a JSON body that arrives in pieces (split inside a character), one that the
// provider cuts short, a large one, and a stream whose client hangs up halfway, which must stop the provider's stream.
import { request as httpRequest } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeUpstream, sendEvent, startFakeUpstream, startSse } from '../helpers/fake-upstream.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { pollUntil, settledWithin } from '../helpers/poll.js';

function completion(content: string): string {
  return JSON.stringify({
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 1,
    model: 'gpt-4o-mini',
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 3, completion_tokens: 5, total_tokens: 8 },
  });
}

function chunk(content: string) {
  return { id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini', choices: [{ index: 0, delta: { content } }] };
}

describe("reading a provider's answer", { timeout: 30_000 }, () => {
  let upstream: FakeUpstream;
  let gateway: TestGateway;
  let streamAbandoned: Promise<void>;
  let lateBodiesEnded = 0;

  beforeAll(async () => {
    let abandoned!: () => void;
    streamAbandoned = new Promise((resolve) => {
      abandoned = resolve;
    });
    upstream = await startFakeUpstream(async (request, res) => {
      const { messages } = request.body as { messages: Array<{ content: string }> };
      const prompt = messages[0]?.content;
      if (prompt === 'pieces') {
        // "é" is two bytes in UTF-8: the first piece ends between them.
        const bytes = Buffer.from(completion('café, thé, crème brûlée'));
        const split = bytes.indexOf(Buffer.from('é')) + 1;
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': bytes.length });
        res.write(bytes.subarray(0, split));
        await sleep(30);
        res.write(bytes.subarray(split, split + 20));
        await sleep(30);
        res.end(bytes.subarray(split + 20));
      } else if (prompt === 'large') {
        const text = completion('ü'.repeat(300_000));
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(text);
      } else if (prompt === 'cut short') {
        const bytes = Buffer.from(completion('never finished'));
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': bytes.length });
        res.write(bytes.subarray(0, 40));
        await sleep(30);
        res.destroy();
      } else if (prompt === 'late end') {
        // The last event, then the end of the body in a later read.
        startSse(res);
        sendEvent(res, chunk('done soon'));
        sendEvent(res, '[DONE]');
        await sleep(50);
        res.end(() => {
          lateBodiesEnded++;
        });
      } else if (prompt === 'endless stream') {
        startSse(res);
        sendEvent(res, chunk('one'));
        const ticker = setInterval(() => sendEvent(res, chunk(' more')), 20);
        res.once('close', () => {
          clearInterval(ticker);
          abandoned();
        });
      } else {
        res.writeHead(200, { 'content-type': 'application/json' }).end(completion('Hello'));
      }
    });
    gateway = await startGateway({ env: { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: `${upstream.url}/v1` } });
  });

  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  function ask(content: string, stream = false) {
    return fetch(`${gateway.api}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gateway.masterKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content }], stream }),
    });
  }

  it('relays a JSON answer that arrives in pieces, split inside a character, byte for byte', async () => {
    const response = await ask('pieces');
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(completion('café, thé, crème brûlée'));
    expect(response.headers.get('x-shuttle-cost-usd')).not.toBeNull();
  });

  it('relays a large JSON answer whole', async () => {
    const response = await ask('large');
    expect(response.status).toBe(200);
    const body = (await response.json()) as { choices: Array<{ message: { content: string } }> };
    expect(body.choices[0]?.message.content).toBe('ü'.repeat(300_000));
  });

  it('answers 502 in the OpenAI error shape when the provider cuts its JSON answer short, then carries on', async () => {
    const response = await ask('cut short');
    expect(response.status).toBe(502);
    const body = (await response.json()) as { error: { message: string; type: string; code: string } };
    expect(body.error.code).toBe('upstream_interrupted');
    expect(body.error.message).toContain('openai');
    const next = await ask('Hi');
    expect(next.status).toBe(200);
    expect(await next.text()).toBe(completion('Hello'));
  });

  it("keeps the provider's connection when a stream's body ends after its last event", async () => {
    const before = upstream.connections;
    for (let i = 1; i <= 3; i++) {
      const response = await ask('late end', true);
      expect(response.status).toBe(200);
      const text = await response.text();
      expect(text).toContain('"content":"done soon"');
      expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);
      // Once the provider's body has ended (and Shuttle has read that end), its connection is free again.
      expect(
        await pollUntil(
          () => lateBodiesEnded,
          (ended) => ended >= i,
          { withinMs: 10_000 },
        ),
        'the provider ended its body',
      ).toBe(i);
      await sleep(50);
    }
    expect(upstream.connections - before).toBeLessThanOrEqual(1);
  });

  it("stops the provider's stream when the client hangs up halfway through it", async () => {
    const received = new Promise<string>((resolve, reject) => {
      const req = httpRequest(`${gateway.api}/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${gateway.masterKey}`, 'content-type': 'application/json' },
      });
      req.on('response', (response) => {
        response.once('data', (data: Buffer) => {
          req.destroy();
          resolve(String(data));
        });
      });
      req.on('error', () => undefined);
      req.once('error', reject);
      req.end(JSON.stringify({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'endless stream' }], stream: true }));
    });
    expect(await received).toContain('"content":"one"');
    expect(await settledWithin(streamAbandoned, 10_000), "the provider's stream went on after the client hung up").toBe(true);
    const next = await ask('Hi');
    expect(next.status).toBe(200);
  });
});
