import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeUpstream, sendJson, startFakeOpenAi } from '../helpers/fake-openai.js';
import { flushUsage, postJson, startGateway, type TestGateway } from '../helpers/gateway.js';

describe('embeddings', () => {
  let upstream: FakeUpstream;
  let gateway: TestGateway;
  let client: OpenAI;

  beforeAll(async () => {
    upstream = await startFakeOpenAi((request, res) =>
      sendJson(res, 200, {
        object: 'list',
        data: [{ object: 'embedding', index: 0, embedding: [0.1, 0.2] }],
        model: String(request.body.model),
        usage: { prompt_tokens: 10_000, total_tokens: 10_000 },
      }),
    );
    gateway = await startGateway({ env: { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: upstream.baseUrl } });
    client = new OpenAI({ apiKey: gateway.masterKey, baseURL: gateway.api, maxRetries: 0 });
  });

  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  it('answers deterministic vectors from the mock provider', async () => {
    const first = await client.embeddings.create({ model: 'mock/embed', input: ['alpha', 'beta'] });
    const again = await client.embeddings.create({ model: 'mock/embed', input: 'alpha' });
    expect(first.data).toHaveLength(2);
    expect(first.data[0]?.embedding).toHaveLength(8);
    expect(again.data[0]?.embedding).toEqual(first.data[0]?.embedding);
    expect(first.usage.prompt_tokens).toBe(2);
  });

  it('forwards to OpenAI with the model rewritten, and meters the tokens and cost', async () => {
    const response = await postJson(gateway, '/embeddings', { model: 'openai/text-embedding-3-small', input: 'hello', dimensions: 2 });
    expect(response.status).toBe(200);
    expect(upstream.requests.at(-1)?.url).toBe('/v1/embeddings');
    expect(upstream.requests.at(-1)?.body).toEqual({ model: 'text-embedding-3-small', input: 'hello', dimensions: 2 });
    expect(response.headers.get('x-shuttle-cost-usd')).toBe('0.000200');
    await flushUsage(gateway);
    const [event] = await gateway.shuttle.runtime.repos.usageEvents.listRecent(gateway.tenantId, 1);
    expect(event).toMatchObject({ endpoint: 'embeddings', promptTokens: 10_000, completionTokens: 0, costMicros: 200, status: 200 });
  });

  it('refuses embeddings on a model whose provider has none, naming it', async () => {
    const response = await postJson(gateway, '/embeddings', { model: 'mock/echo', input: 'x' });
    expect(response.status).toBe(404);
    const invalid = await postJson(gateway, '/embeddings', { model: 'mock/embed' });
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as { error: { param: string } }).error.param).toBe('input');
  });
});
