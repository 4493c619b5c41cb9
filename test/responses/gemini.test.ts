// A Gemini model behind /responses: a streamed function call whose call id carries Gemini's thought signature, and
// the next turn through previous_response_id giving the signature back with the call.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeUpstream, sendEvent, sendJson, startFakeUpstream, startSse } from '../helpers/fake-upstream.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { answer } from '../providers/fixtures/google.js';

describe('Gemini through /responses', () => {
  let upstream: FakeUpstream;
  let gateway: TestGateway;
  let client: OpenAI;

  beforeAll(async () => {
    upstream = await startFakeUpstream((_request, res) => sendJson(res, 200, answer([{ text: 'Sunny in Rome.' }])));
    gateway = await startGateway({ env: { GOOGLE_API_KEY: 'AIza-test', GEMINI_BASE_URL: upstream.url } });
    client = new OpenAI({ apiKey: gateway.masterKey, baseURL: gateway.api, maxRetries: 0 });
  });

  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  it('streams a function call and continues the conversation with its result and thought signature', async () => {
    upstream.handle((_request, res) => {
      startSse(res);
      sendEvent(res, answer([{ functionCall: { name: 'get_weather', args: { city: 'Rome' } }, thoughtSignature: 'c2lnbmF0dXJl' }]));
      res.end();
    });
    const tools = [
      {
        type: 'function' as const,
        name: 'get_weather',
        parameters: { type: 'object', properties: { city: { type: 'string' } } },
        strict: false,
      },
    ];
    const stream = await client.responses.create({ model: 'google/gemini-2.5-flash', input: 'Weather in Rome?', tools, stream: true });
    let done: OpenAI.Responses.Response | undefined;
    const types: string[] = [];
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'response.completed') done = event.response;
    }
    expect(types).toContain('response.function_call_arguments.done');
    const call = done?.output[0] as OpenAI.Responses.ResponseFunctionToolCall;
    expect(call).toMatchObject({ type: 'function_call', name: 'get_weather', arguments: '{"city":"Rome"}' });
    expect(done?.usage).toMatchObject({
      input_tokens: 1000,
      total_tokens: (done?.usage?.input_tokens ?? 0) + (done?.usage?.output_tokens ?? 0),
    });

    upstream.handle((_request, res) => sendJson(res, 200, answer([{ text: 'Sunny in Rome.' }])));
    const next = await client.responses.create({
      model: 'google/gemini-2.5-flash',
      previous_response_id: done?.id as string,
      input: [{ type: 'function_call_output', call_id: call.call_id, output: '{"sky":"sunny"}' }],
      tools,
    });
    expect(next.output_text).toBe('Sunny in Rome.');
    const contents = upstream.last().body.contents as Array<{ role: string; parts: Array<Record<string, unknown>> }>;
    expect(contents[1]).toEqual({
      role: 'model',
      parts: [{ functionCall: { name: 'get_weather', args: { city: 'Rome' } }, thoughtSignature: 'c2lnbmF0dXJl' }],
    });
    expect(contents[2]?.parts[0]).toMatchObject({ functionResponse: { name: 'get_weather' } });
  });
});
