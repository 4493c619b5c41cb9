// Virtual (provider-native) tools: a template naming the web_search tool has the provider search within its own call —
// OpenAI gets `web_search_options` (its search models), Anthropic its `web_search_20250305` server tool — and a run
// routed to a provider without web search is refused with 400 rather than answered without searching.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, login } from '../helpers/api.js';
import { type FakeUpstream, sendJson, startFakeUpstream } from '../helpers/fake-upstream.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { MODEL, message } from '../providers/fixtures/anthropic.js';

const OPENAI_ANSWER = {
  id: 'chatcmpl-search',
  object: 'chat.completion',
  created: 1,
  model: 'gpt-4o-search-preview',
  choices: [{ index: 0, message: { role: 'assistant', content: 'It rained in Paris today.' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 10, completion_tokens: 7, total_tokens: 17 },
};

describe('virtual web_search tools', () => {
  let openai: FakeUpstream;
  let anthropic: FakeUpstream;
  let gateway: TestGateway;
  let token: string;

  beforeAll(async () => {
    openai = await startFakeUpstream((_request, res) => sendJson(res, 200, OPENAI_ANSWER));
    anthropic = await startFakeUpstream((_request, res) =>
      sendJson(
        res,
        200,
        message([
          { type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: { query: 'paris weather' } },
          {
            type: 'web_search_tool_result',
            tool_use_id: 'srvtoolu_1',
            content: [{ type: 'web_search_result', url: 'https://example.com', title: 'Weather' }],
          },
          { type: 'text', text: 'It rained in Paris today.' },
        ]),
      ),
    );
    gateway = await startGateway({
      env: { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: openai.url, ANTHROPIC_API_KEY: 'sk-ant-test', ANTHROPIC_BASE_URL: anthropic.url },
    });
    token = await login(gateway);
    const created = await admin('POST', '/tools', { name: 'web', type: 'virtual', providerTool: 'web_search' });
    expect(created.status).toBe(201);
    await admin('POST', '/tools', {
      name: 'lookup',
      type: 'http',
      url: 'http://127.0.0.1:9/lookup',
      description: 'Looks things up',
    });
  });

  afterAll(async () => {
    await gateway?.close();
    await openai?.close();
    await anthropic?.close();
  });

  const admin = (method: string, path: string, body?: unknown) => call(gateway, method, path, { auth: token, body });

  async function flowWith(slug: string, main: Record<string, unknown>) {
    await admin('POST', '/flows', { title: slug, slug });
    const version = await admin('POST', `/flows/${slug}/versions`, { templates: { main } });
    expect(version.status, JSON.stringify(version.body)).toBe(201);
    await admin('POST', `/flows/${slug}/versions/${version.body.version}/environments`, { environment: 'production' });
  }
  const run = (flow: string) => call(gateway, 'POST', `/flows/${flow}/runs`, { auth: gateway.masterKey, body: { parameters: {} } });

  it('asks OpenAI with web_search_options, the virtual tool not among the functions', async () => {
    await flowWith('openai-news', { userTemplate: 'Weather in Paris?', llm: 'openai/gpt-4o-search-preview', tools: ['web'] });
    const answered = await run('openai-news');
    expect(answered.status, JSON.stringify(answered.body)).toBe(200);
    expect(answered.body.response).toBe('It rained in Paris today.');
    const sent = openai.last().body as Record<string, unknown>;
    expect(sent.web_search_options).toEqual({});
    expect(sent.tools).toBeUndefined();
    expect(sent.tool_choice).toBeUndefined();
  });

  it('gives Anthropic its web search server tool beside the function tools, and reads the answer after the search', async () => {
    await flowWith('anthropic-news', { userTemplate: 'Weather in Paris?', llm: `anthropic/${MODEL}`, tools: ['web', 'lookup'] });
    const answered = await run('anthropic-news');
    expect(answered.status, JSON.stringify(answered.body)).toBe(200);
    expect(answered.body.response).toBe('It rained in Paris today.');
    const sent = anthropic.last().body as { tools: Array<Record<string, unknown>> };
    expect(sent.tools).toEqual([
      expect.objectContaining({ name: 'lookup', description: 'Looks things up' }),
      { type: 'web_search_20250305', name: 'web_search', max_uses: 5 },
    ]);
  });

  it('translates a chat completion’s web_search_options for Anthropic, with the approximate user location', async () => {
    const response = await call(gateway, 'POST', '/chat/completions', {
      auth: gateway.masterKey,
      body: {
        model: `anthropic/${MODEL}`,
        messages: [{ role: 'user', content: 'Weather?' }],
        web_search_options: { user_location: { type: 'approximate', approximate: { city: 'Paris', country: 'FR', zip: '75001' } } },
      },
    });
    expect(response.status).toBe(200);
    expect((anthropic.last().body as { tools: unknown[] }).tools).toEqual([
      {
        type: 'web_search_20250305',
        name: 'web_search',
        max_uses: 5,
        user_location: { type: 'approximate', city: 'Paris', country: 'FR' },
      },
    ]);
  });

  it('refuses a toolChoice naming the virtual tool, or requiring tools when it is the only one', async () => {
    await admin('POST', '/flows', { title: 'chooser', slug: 'chooser' });
    const named = await admin('POST', '/flows/chooser/versions', {
      templates: { main: { userTemplate: 'x', llm: `anthropic/${MODEL}`, tools: ['web'], toolChoice: { name: 'web' } } },
    });
    expect(named.status).toBe(400);
    expect(named.body.error).toMatchObject({ param: 'templates.main.toolChoice' });
    const required = await admin('POST', '/flows/chooser/versions', {
      templates: { main: { userTemplate: 'x', llm: `anthropic/${MODEL}`, tools: ['web'], toolChoice: 'required' } },
    });
    expect(required.status).toBe(400);
  });

  it('refuses a run routed to a provider without web search', async () => {
    await flowWith('mock-news', { userTemplate: 'Weather in Paris?', llm: 'mock/echo', tools: ['web'] });
    const refused = await run('mock-news');
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toContain('offers no web search');
  });
});
