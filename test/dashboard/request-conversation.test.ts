// The Logs page's detail panel reads each endpoint's bodies as one conversation: system, user, assistant, tool calls
// and tool results, for chat completions, the Responses API, Anthropic Messages, flow runs and embeddings.
import { describe, expect, it } from 'vitest';
import { conversationOf, type Turn } from '../../web/src/pages/logs/conversation.js';

/** Role and a short text per part, to compare whole conversations at a glance. */
function outline(turns: Turn[] | null): string[] {
  return (turns ?? []).map((turn) => {
    const parts = turn.parts.map((part) => {
      switch (part.kind) {
        case 'text':
          return part.text;
        case 'media':
          return `[${part.label}]`;
        case 'tool-call':
          return `call ${part.name}#${part.callId} ${part.arguments.replace(/\s+/g, '')}`;
        default:
          return `${part.isError ? 'error' : 'result'}#${part.callId} ${part.content}`;
      }
    });
    return `${turn.answer ? '=> ' : ''}${turn.role}: ${parts.join(' | ')}`;
  });
}

describe('the conversation of a logged request', () => {
  it('reads chat completions with tool calls, their results and the answer', () => {
    const request = {
      model: 'openai/gpt-4o-mini',
      messages: [
        { role: 'system', content: 'You are terse.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Weather in Paris?' },
            { type: 'image_url', image_url: { url: 'data:…' } },
          ],
        },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } }],
        },
        { role: 'tool', tool_call_id: 'call_1', content: '18°C' },
      ],
    };
    const response = {
      object: 'chat.completion',
      choices: [{ index: 0, message: { role: 'assistant', content: 'It is 18°C.' }, finish_reason: 'stop' }],
    };
    expect(outline(conversationOf('chat.completions', request, response))).toEqual([
      'system: You are terse.',
      'user: Weather in Paris? | [An image]',
      'assistant: call weather#call_1 {"city":"Paris"}',
      'tool: result#call_1 18°C',
      '=> assistant: It is 18°C.',
    ]);
  });

  it('shows an answer that is only tool calls (a stream reassembled) as a call', () => {
    const response = {
      choices: [
        {
          message: {
            role: 'assistant',
            content: null,
            tool_calls: [{ id: 'call_9', type: 'function', function: { name: 'lookup', arguments: '{"id":7}' } }],
          },
        },
      ],
    };
    expect(outline(conversationOf('chat.completions', { messages: [{ role: 'user', content: 'Find 7' }] }, response))).toEqual([
      'user: Find 7',
      '=> assistant: call lookup#call_9 {"id":7}',
    ]);
  });

  it('reads the Responses API: instructions, input items, function calls and outputs, the output message', () => {
    const request = {
      model: 'openai/gpt-4o-mini',
      instructions: 'Be brief.',
      input: [
        { role: 'user', content: [{ type: 'input_text', text: 'Add 2 and 3' }] },
        { type: 'function_call', call_id: 'fc_1', name: 'add', arguments: '{"a":2,"b":3}' },
        { type: 'function_call_output', call_id: 'fc_1', output: '5' },
      ],
    };
    const response = {
      object: 'response',
      output: [{ type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'It is 5.' }] }],
    };
    expect(outline(conversationOf('responses', request, response))).toEqual([
      'system: Be brief.',
      'user: Add 2 and 3',
      'assistant: call add#fc_1 {"a":2,"b":3}',
      'tool: result#fc_1 5',
      '=> assistant: It is 5.',
    ]);
    expect(outline(conversationOf('responses', { input: 'Hello' }, null))).toEqual(['user: Hello']);
  });

  it('reads Anthropic Messages: the system prompt, tool_use and tool_result blocks, the answer', () => {
    const request = {
      model: 'anthropic/claude-sonnet-4',
      system: [{ type: 'text', text: 'You help with orders.' }],
      messages: [
        { role: 'user', content: 'Where is order 42?' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'find_order', input: { id: 42 } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: 'Shipped' }] }] },
      ],
    };
    const response = { type: 'message', role: 'assistant', content: [{ type: 'text', text: 'It has shipped.' }] };
    expect(outline(conversationOf('messages', request, response))).toEqual([
      'system: You help with orders.',
      'user: Where is order 42?',
      'assistant: call find_order#toolu_1 {"id":42}',
      'tool: result#toolu_1 Shipped',
      '=> assistant: It has shipped.',
    ]);
  });

  it('marks a failed Anthropic tool result as an error', () => {
    const request = {
      messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 't', content: 'timeout', is_error: true }] }],
    };
    expect(outline(conversationOf('messages', request, null))).toEqual(['tool: error#t timeout']);
  });

  it('reads a flow run as its parameters and its answer', () => {
    const request = { parameters: { company: 'Acme', question: 'Where is my order?' }, customerId: 'acme-corp-42' };
    const response = { id: 'run_1', response: 'Your order ships today.', usage: {}, costUsd: 0, milliseconds: 3 };
    expect(outline(conversationOf('flows.run', request, response))).toEqual([
      'user: company: Acme\nquestion: Where is my order?',
      '=> assistant: Your order ships today.',
    ]);
    const streamed = { object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: 'Streamed reply.' } }] };
    expect(outline(conversationOf('flows.run', { parameters: { question: 'Why?' }, stream: true }, streamed))).toEqual([
      'user: question: Why?',
      '=> assistant: Streamed reply.',
    ]);
  });

  it('reads embeddings as their inputs, and sums the vectors up', () => {
    const response = { data: [{ embedding: [0.1, 0.2, 0.3] }, { embedding: [0.4, 0.5, 0.6] }] };
    expect(outline(conversationOf('embeddings', { input: ['first text', 'second text'] }, response))).toEqual([
      'user: first text | second text',
      '=> assistant: 2 embeddings of 3 dimensions',
    ]);
    expect(outline(conversationOf('embeddings', { input: 'one' }, null))).toEqual(['user: one']);
  });

  it('yields no turns from a truncated body (kept as text), and nothing for an unknown endpoint', () => {
    expect(conversationOf('chat.completions', '{"messages":[{"role":"user","content":"Hel', null)).toEqual([]);
    expect(conversationOf('audio.speech', {}, {})).toBeNull();
  });
});
