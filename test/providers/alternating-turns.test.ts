import { describe, expect, it } from 'vitest';
import type { ChatCompletionMessageParam } from '../../src/gateway/openai-wire.js';
import { toMessagesRequest } from '../../src/gateway/providers/anthropic/request.js';
import { toConverseRequest } from '../../src/gateway/providers/bedrock/request.js';
import { toGenerateContentRequest } from '../../src/gateway/providers/google/request.js';
import { alternatingTurns } from '../../src/gateway/providers/translate/turns.js';

const conversation: ChatCompletionMessageParam[] = [
  { role: 'user', content: 'What is the weather in Paris and Oslo?' },
  { role: 'assistant', content: 'Let me look.' },
  {
    role: 'assistant',
    content: null,
    tool_calls: [{ id: 'call_p', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } }],
  },
  { role: 'tool', tool_call_id: 'call_p', content: '21°C' },
  { role: 'user', content: '' },
  { role: 'user', content: 'And in Celsius, please.' },
];

describe('alternating turns', () => {
  it('merges consecutive messages of one side and leaves out messages with nothing to send', () => {
    const turns = alternatingTurns(conversation, (message) =>
      typeof message.content === 'string' && message.content !== '' ? [message.content] : [],
    );
    expect(turns).toEqual([
      { role: 'user', content: ['What is the weather in Paris and Oslo?'] },
      { role: 'assistant', content: ['Let me look.'] },
      { role: 'user', content: ['21°C', 'And in Celsius, please.'] },
    ]);
  });

  it('gives Anthropic, Bedrock and Gemini the same alternation of user and model turns', () => {
    const params = { model: 'm', messages: [{ role: 'system' as const, content: 'Be terse.' }, ...conversation] };
    const sides = (roles: readonly (string | undefined)[]) => roles.map((role) => (role === 'model' ? 'assistant' : role));
    const expected = ['user', 'assistant', 'user'];
    expect(toMessagesRequest(params, 'claude').messages.map((turn) => turn.role)).toEqual(expected);
    expect(toConverseRequest(params).messages.map((turn) => turn.role)).toEqual(expected);
    expect(sides(toGenerateContentRequest(params).contents.map((content) => content.role))).toEqual(expected);
    expect(toMessagesRequest(params, 'claude').messages[1]?.content.map((block) => block.type)).toEqual(['text', 'tool_use']);
    expect(toConverseRequest(params).messages[2]?.content).toEqual([
      { toolResult: { toolUseId: 'call_p', content: [{ text: '21°C' }] } },
      { text: 'And in Celsius, please.' },
    ]);
  });

  it('refuses a tool result without the id of the call it answers, on Anthropic and Bedrock alike', () => {
    const params = { model: 'm', messages: [{ role: 'tool' as const, content: '21°C' }] as ChatCompletionMessageParam[] };
    expect(() => toMessagesRequest(params, 'claude')).toThrow('A tool message needs the tool_call_id it answers.');
    expect(() => toConverseRequest(params)).toThrow('A tool message needs the tool_call_id it answers.');
  });
});
