// The answer tool's choice rules, on the translated requests themselves: what Anthropic and Bedrock are sent when a
// response_format meets the client's own tools and tool_choice.
import { describe, expect, it } from 'vitest';
import type { ChatCompletionCreateParams } from '../../src/gateway/openai-wire.js';
import { toMessagesRequest } from '../../src/gateway/providers/anthropic/request.js';
import { toConverseRequest } from '../../src/gateway/providers/bedrock/request.js';

const schema = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false };
const tools: ChatCompletionCreateParams['tools'] = [{ type: 'function', function: { name: 'search', parameters: { type: 'object' } } }];
const base = (extra: Partial<ChatCompletionCreateParams>): ChatCompletionCreateParams => ({
  model: 'm',
  messages: [{ role: 'user', content: 'Where?' }],
  response_format: { type: 'json_schema', json_schema: { name: 'place', description: 'A place.', schema } },
  ...extra,
});

describe('the answer tool standing for response_format', () => {
  it('is forced alone when the client has no tools, named and described after the schema', () => {
    const request = toMessagesRequest(base({}), 'claude');
    expect(request.tools).toEqual([{ name: 'place', description: 'A place.', input_schema: schema }]);
    expect(request.tool_choice).toEqual({ type: 'tool', name: 'place' });
  });

  it('sits beside the client tools with "call some tool", unless the client named one or said none', () => {
    expect(toMessagesRequest(base({ tools }), 'claude').tool_choice).toEqual({ type: 'any' });
    expect(toMessagesRequest(base({ tools, tool_choice: 'auto' }), 'claude').tool_choice).toEqual({ type: 'any' });
    const named = { type: 'function', function: { name: 'search' } };
    expect(toMessagesRequest(base({ tools, tool_choice: named }), 'claude').tool_choice).toEqual({ type: 'tool', name: 'search' });
    expect(toMessagesRequest(base({ tools, tool_choice: 'none' }), 'claude').tool_choice).toEqual({ type: 'tool', name: 'place' });
    expect(toConverseRequest(base({ tools })).toolConfig?.toolChoice).toEqual({ any: {} });
    // Converse has no "none": the client's tools are left out, the answer tool forced.
    const none = toConverseRequest(base({ tools, tool_choice: 'none' })).toolConfig;
    expect(none?.tools.map((tool) => tool.toolSpec.name)).toEqual(['place']);
    expect(none?.toolChoice).toEqual({ tool: { name: 'place' } });
  });

  it('falls back to json_response for a schema without a usable name', () => {
    const unnamed = base({ response_format: { type: 'json_schema', json_schema: { name: 'has spaces', schema } } });
    expect(toConverseRequest(unnamed).toolConfig?.toolChoice).toEqual({ tool: { name: 'json_response' } });
  });
});
