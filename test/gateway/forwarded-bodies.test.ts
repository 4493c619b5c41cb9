// What reaches an OpenAI-compatible provider: the client's own bytes when nothing in the request changes, else the
// request as Shuttle parsed it, serialised — and never a text in which the provider could read another model than the
// one Shuttle routed, allowed and priced.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { defaultHandler, type FakeUpstream, sendJson, startFakeOpenAi } from '../helpers/fake-openai.js';
import { postJson, startGateway, type TestGateway } from '../helpers/gateway.js';

const MESSAGES = '[ {"role":"user", "content":"Hi"} ]';

function occurrences(text: string, part: string): number {
  return text.split(part).length - 1;
}

describe('request bodies sent to the provider', () => {
  let upstream: FakeUpstream;
  let gateway: TestGateway;

  beforeAll(async () => {
    upstream = await startFakeOpenAi();
    gateway = await startGateway({ env: { OPENAI_API_KEY: 'sk-upstream-test', OPENAI_BASE_URL: upstream.baseUrl } });
  });

  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  beforeEach(() => {
    upstream.handle((request, res) => {
      if (!request.url.endsWith('/embeddings')) return defaultHandler(request, res);
      sendJson(res, 200, {
        object: 'list',
        data: [{ object: 'embedding', index: 0, embedding: [0.5] }],
        model: 'e',
        usage: { prompt_tokens: 2, total_tokens: 2 },
      });
    });
  });

  it("are the client's bytes when the model and every field stay as they are", async () => {
    // Spacing, key order, an unknown field and `1.50` would all come out differently from JSON.stringify.
    const text = `{ "messages": ${MESSAGES}, "temperature": 1.50, "x_vendor": {"a": [1, 2]}, "model": "gpt-4o-mini" }`;
    expect((await postJson(gateway, '/chat/completions', text)).status).toBe(200);
    expect(upstream.last().rawBody).toBe(text);

    const streamed = `{"model":"gpt-4o-mini", "stream":true, "stream_options":{"include_usage":true}, "messages":${MESSAGES}}`;
    const response = await postJson(gateway, '/chat/completions', streamed);
    expect(response.status).toBe(200);
    await response.text();
    expect(upstream.last().rawBody).toBe(streamed);

    const embedding = '{"input": "hello",  "model": "text-embedding-3-small"}';
    expect((await postJson(gateway, '/embeddings', embedding)).status).toBe(200);
    expect(upstream.last().rawBody).toBe(embedding);
  });

  it('are serialised from the parsed request when the model is rewritten or usage must be asked for', async () => {
    const text = `{ "model": "openai/gpt-4o-mini", "messages": ${MESSAGES}, "temperature": 1.50 }`;
    expect((await postJson(gateway, '/chat/completions', text)).status).toBe(200);
    expect(upstream.last().rawBody).toBe(
      JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }], temperature: 1.5 }),
    );

    // A byte-order mark, which JSON parsers may refuse, is not passed on.
    expect((await postJson(gateway, '/chat/completions', `\uFEFF{"model":"gpt-4o-mini","messages":${MESSAGES}}`)).status).toBe(200);
    expect(upstream.last().rawBody).toBe(`{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hi"}]}`);

    const response = await postJson(gateway, '/chat/completions', `{"model":"gpt-4o-mini","stream":true,"messages":${MESSAGES}}`);
    await response.text();
    expect(upstream.last().body.stream_options).toEqual({ include_usage: true });
  });

  it('name the model once, the one Shuttle read, when the client named it twice or spelt the key with escapes', async () => {
    for (const text of [
      `{"model":"gpt-4o","messages":${MESSAGES},"model":"gpt-4o-mini"}`,
      `{"model":"gpt-4o","messages":${MESSAGES},"mod\\u0065l":"gpt-4o-mini"}`,
    ]) {
      const response = await postJson(gateway, '/chat/completions', text);
      expect(response.status).toBe(200);
      const sent = upstream.last().rawBody;
      expect(occurrences(sent, '"model"')).toBe(1);
      expect(sent).not.toContain('gpt-4o"');
      expect(upstream.last().body.model).toBe('gpt-4o-mini');
    }
  });

  it('keep a nested "model" field as the client sent it', async () => {
    const tool = {
      type: 'function',
      function: { name: 'pick', parameters: { type: 'object', properties: { model: { type: 'string' } } } },
    };
    const text = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }], tools: [tool] });
    expect((await postJson(gateway, '/chat/completions', text)).status).toBe(200);
    expect(upstream.last().body).toEqual(JSON.parse(text));
  });
});
