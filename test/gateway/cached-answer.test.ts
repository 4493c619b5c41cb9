// A stream's chunks added up into the chat.completion they stand for, and a cached completion replayed as chunks:
// content, refusals, tool calls arriving in pieces, several choices; incomplete or unreadable streams are not stored.
import { describe, expect, it } from 'vitest';
import {
  type CachedAnswer,
  CompletionAssembler,
  decodeAnswer,
  encodeAnswer,
  replayParts,
} from '../../src/gateway/response-cache/cached-answer.js';

const head = { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1_700_000_000, model: 'gpt-4o-mini' };
const chunk = (index: number, delta: Record<string, unknown>, finish: string | null = null) =>
  JSON.stringify({ ...head, choices: [{ index, delta, finish_reason: finish }] });

function assembled(chunks: string[]): Record<string, unknown> | undefined {
  const assembler = new CompletionAssembler();
  for (const data of chunks) assembler.add(data);
  const text = assembler.completion();
  return text === undefined ? undefined : (JSON.parse(text) as Record<string, unknown>);
}

const TOOL_STREAM = [
  chunk(0, { role: 'assistant', content: null }),
  chunk(0, { tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'get_', arguments: '' } }] }),
  chunk(0, { tool_calls: [{ index: 0, function: { name: 'weather', arguments: '{"city":' } }] }),
  chunk(0, { tool_calls: [{ index: 1, id: 'call_2', type: 'function', function: { name: 'get_time', arguments: '{}' } }] }),
  chunk(0, { tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] }),
  chunk(1, { role: 'assistant', content: 'Second ' }),
  chunk(1, { content: 'choice' }),
  chunk(0, {}, 'tool_calls'),
  chunk(1, {}, 'stop'),
  JSON.stringify({ ...head, choices: [], usage: { prompt_tokens: 9, completion_tokens: 7, total_tokens: 16 } }),
];

describe('cached answers', () => {
  it('adds a stream up into its completion: tool calls in pieces, several choices, usage', () => {
    expect(assembled(TOOL_STREAM)).toEqual({
      id: 'chatcmpl-1',
      object: 'chat.completion',
      created: 1_700_000_000,
      model: 'gpt-4o-mini',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: null,
            tool_calls: [
              { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
              { id: 'call_2', type: 'function', function: { name: 'get_time', arguments: '{}' } },
            ],
          },
          finish_reason: 'tool_calls',
          logprobs: null,
        },
        { index: 1, message: { role: 'assistant', content: 'Second choice' }, finish_reason: 'stop', logprobs: null },
      ],
      usage: { prompt_tokens: 9, completion_tokens: 7, total_tokens: 16 },
      system_fingerprint: null,
    });
  });

  it('stores nothing for a stream cut short or one that is not chat completion chunks', () => {
    expect(assembled(TOOL_STREAM.slice(0, 7))).toBeUndefined();
    expect(assembled([chunk(0, { content: 'a' }), 'not json', chunk(0, {}, 'stop')])).toBeUndefined();
    expect(assembled([JSON.stringify({ type: 'message_start' })])).toBeUndefined();
    expect(assembled([])).toBeUndefined();
  });

  it('replays a completion as the chunks that add up to it again, usage last and marked usage-only', () => {
    const body = assembled(TOOL_STREAM);
    const answer: CachedAnswer = {
      body: JSON.stringify(body),
      model: 'gpt-4o-mini',
      provider: 'openai',
      providerType: 'openai',
      usage: { promptTokens: 9, completionTokens: 7, cachedTokens: 0 },
      costMicros: 12,
      createdAt: 1,
    };
    const parts = replayParts(answer);
    expect(parts.at(-1)).toMatchObject({ usageOnly: true, usage: answer.usage });
    expect(parts.slice(0, -1).every((part) => part.usageOnly === undefined)).toBe(true);
    expect(assembled(parts.map((part) => part.data))).toEqual(body);
  });

  it('encodes an entry as metadata, a newline, and the body as it came (newlines in it kept)', () => {
    const answer: CachedAnswer = {
      body: '{\n  "id": "x"\n}',
      model: 'm',
      provider: 'p',
      providerType: 'openai',
      usage: { promptTokens: 1, completionTokens: 2, cachedTokens: 0 },
      costMicros: 3,
      createdAt: 4,
    };
    expect(decodeAnswer(encodeAnswer(answer))).toEqual(answer);
    expect(decodeAnswer('no newline')).toBeUndefined();
    expect(decodeAnswer('{broken\n{}')).toBeUndefined();
  });
});
