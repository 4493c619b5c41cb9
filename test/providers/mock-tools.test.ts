// mock/tools, the deterministic tool-calling model: calls every tool it is given, with arguments from the user's JSON
// or from each schema, then answers with the tool results — through /chat/completions, whole and streamed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../helpers/api.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';

const tools = [
  {
    type: 'function',
    function: {
      name: 'weather',
      parameters: {
        type: 'object',
        properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['c', 'f'] }, days: { type: 'integer' } },
      },
    },
  },
  { type: 'function', function: { name: 'time', parameters: { type: 'object', properties: { zone: { type: 'string' } } } } },
];

describe('mock/tools', () => {
  let gateway: TestGateway;

  beforeAll(async () => {
    gateway = await startGateway();
  });

  afterAll(async () => {
    await gateway?.close();
  });

  const complete = (body: Record<string, unknown>) => call(gateway, 'POST', '/chat/completions', { auth: gateway.masterKey, body });

  it('calls every tool once, with arguments built from each schema', async () => {
    const answer = await complete({ model: 'mock/tools', tools, messages: [{ role: 'user', content: 'What now?' }] });
    expect(answer.status).toBe(200);
    const choice = answer.body.choices[0];
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.content).toBeNull();
    expect(choice.message.tool_calls).toEqual([
      { id: 'call_0_0', type: 'function', function: { name: 'weather', arguments: '{"city":"x","unit":"c","days":1}' } },
      { id: 'call_0_1', type: 'function', function: { name: 'time', arguments: '{"zone":"x"}' } },
    ]);
    expect(answer.body.usage.completion_tokens).toBeGreaterThan(0);
  });

  it('takes arguments from a JSON object in the last user message, per tool when it names one', async () => {
    const content = 'Please: {"weather": {"city": "Paris"}, "zone": "UTC"}';
    const answer = await complete({ model: 'mock/tools', tools, messages: [{ role: 'user', content }] });
    const calls = answer.body.choices[0].message.tool_calls;
    expect(JSON.parse(calls[0].function.arguments)).toEqual({ city: 'Paris' });
    expect(JSON.parse(calls[1].function.arguments)).toEqual({ weather: { city: 'Paris' }, zone: 'UTC' });
  });

  it('answers with the tool results joined by newlines once they are given', async () => {
    const answer = await complete({
      model: 'mock/tools',
      tools,
      messages: [
        { role: 'user', content: 'What now?' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'a', type: 'function', function: { name: 'weather', arguments: '{}' } }] },
        { role: 'tool', tool_call_id: 'a', content: 'Sunny, 21' },
        { role: 'tool', tool_call_id: 'b', content: '12:00 UTC' },
      ],
    });
    expect(answer.body.choices[0]).toMatchObject({ finish_reason: 'stop', message: { content: 'Sunny, 21\n12:00 UTC' } });
  });

  it('echoes without tools, and streams its calls as tool_calls deltas', async () => {
    const echo = await complete({ model: 'mock/tools', messages: [{ role: 'user', content: 'Hello there' }] });
    expect(echo.body.choices[0].message.content).toBe('Hello there');
    const response = await fetch(`${gateway.api}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gateway.masterKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'mock/tools', tools, stream: true, messages: [{ role: 'user', content: 'go' }] }),
    });
    const events = (await response.text())
      .split('\n\n')
      .filter((frame) => frame.startsWith('data: {'))
      .map((frame) => JSON.parse(frame.slice(6)));
    const deltas = events.flatMap((event) => event.choices.flatMap((c: { delta: { tool_calls?: unknown[] } }) => c.delta.tool_calls ?? []));
    expect(deltas.map((d: { function: { name: string } }) => d.function.name)).toEqual(['weather', 'time']);
    expect(events.some((event) => event.choices[0]?.finish_reason === 'tool_calls')).toBe(true);
  });
});
