// The pure translations of the Responses dialect: request items to chat messages, chunks to events, ids.
import { describe, expect, it } from 'vitest';
import { outputItemId, responseIdOfItem } from '../../src/gateway/dialects/responses/ids.js';
import { chatParamsOf, inputItemsOf } from '../../src/gateway/dialects/responses/request.js';
import { responseFromCompletion } from '../../src/gateway/dialects/responses/response.js';
import { ResponseStreamTranslator } from '../../src/gateway/dialects/responses/stream.js';
import type { ResponseCreateParams } from '../../src/gateway/dialects/responses/wire.js';
import type { ChatCompletion, ChatCompletionChunk } from '../../src/gateway/openai-wire.js';

const RESPONSE_ID = 'resp_abcdefghijklmnopqrstuvwx';
const header = (params: Partial<ResponseCreateParams> = {}) => ({
  id: RESPONSE_ID,
  createdAt: 1_700_000_000,
  params: { model: 'openai/gpt-4o-mini', ...params },
  store: true,
});
const usage = { promptTokens: 10, completionTokens: 4, cachedTokens: 0 };

function chunkOf(
  delta: ChatCompletionChunk['choices'][number]['delta'],
  finish: ChatCompletionChunk['choices'][number]['finish_reason'] = null,
): ChatCompletionChunk {
  return {
    id: 'c',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'gpt-4o-mini',
    choices: [{ index: 0, delta, finish_reason: finish }],
  };
}

function events(text: string): Array<{ type: string; [key: string]: unknown }> {
  return text
    .split('\n\n')
    .filter(Boolean)
    .map((block) => {
      const [eventLine, dataLine] = block.split('\n');
      const event = JSON.parse((dataLine as string).slice('data: '.length));
      expect(eventLine).toBe(`event: ${event.type}`);
      return event;
    });
}

describe('Responses request translation', () => {
  const chat = (params: Partial<ResponseCreateParams>) => {
    const full = { model: 'm', ...params } as ResponseCreateParams;
    return chatParamsOf(full, inputItemsOf(full));
  };

  it('makes parallel function calls one assistant turn, joined to the text before them, with each output a tool message', () => {
    const params = chat({
      input: [
        { role: 'user', content: 'Paris and Rome?' },
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Checking.', annotations: [] }] },
        { type: 'function_call', call_id: 'c1', name: 'w', arguments: '{"city":"Paris"}' },
        { type: 'function_call', call_id: 'c2', name: 'w', arguments: '{"city":"Rome"}' },
        { type: 'function_call_output', call_id: 'c1', output: 'sun' },
        { type: 'function_call_output', call_id: 'c2', output: [{ type: 'input_text', text: 'rain' }] },
        { type: 'reasoning', id: 'rs_1', summary: [] },
      ],
    });
    expect(params.messages).toEqual([
      { role: 'user', content: 'Paris and Rome?' },
      {
        role: 'assistant',
        content: 'Checking.',
        tool_calls: [
          { id: 'c1', type: 'function', function: { name: 'w', arguments: '{"city":"Paris"}' } },
          { id: 'c2', type: 'function', function: { name: 'w', arguments: '{"city":"Rome"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'c1', content: 'sun' },
      { role: 'tool', tool_call_id: 'c2', content: 'rain' },
    ]);
  });

  it('asks for usage on streams and maps json_object, verbosity and tool_choice strings', () => {
    const params = chat({ input: 'x', stream: true, text: { format: { type: 'json_object' }, verbosity: 'low' }, tool_choice: 'required' });
    expect(params).toMatchObject({
      stream: true,
      stream_options: { include_usage: true },
      response_format: { type: 'json_object' },
      verbosity: 'low',
      tool_choice: 'required',
    });
    expect(params).not.toHaveProperty('store');
  });

  it('refuses what it cannot translate, naming the parameter', () => {
    expect(() => chat({ input: [{ role: 'user', content: [{ type: 'input_image', file_id: 'file-1' }] }] })).toThrow(/image_url/);
    expect(() => chat({ input: 'x', tool_choice: { type: 'web_search_preview' } })).toThrow(/tool_choice/);
    expect(() => chat({ input: 'x', prompt: { id: 'pmpt_1' } })).toThrow(/prompt/);
    expect(() =>
      chat({ input: [{ type: 'function_call_output', call_id: 'c', output: [{ type: 'input_image', image_url: 'https://x' }] }] }),
    ).toThrow(/text only/);
  });
});

describe('Responses from chat completions', () => {
  it('puts reasoning, a refusal and tool calls in output items with ids that name the response', () => {
    const completion = {
      id: 'x',
      object: 'chat.completion',
      created: 1,
      model: 'deepseek-reasoner',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: null, refusal: 'I cannot.', reasoning_content: 'Thinking…', tool_calls: [] },
          finish_reason: 'stop',
          logprobs: null,
        },
      ],
      usage: { prompt_tokens: 10, completion_tokens: 4, total_tokens: 14, completion_tokens_details: { reasoning_tokens: 3 } },
    } as unknown as ChatCompletion;
    const response = responseFromCompletion(header(), completion, usage);
    expect(response.output).toEqual([
      { type: 'reasoning', id: outputItemId('rs', RESPONSE_ID, 0), summary: [], content: [{ type: 'reasoning_text', text: 'Thinking…' }] },
      {
        type: 'message',
        id: outputItemId('msg', RESPONSE_ID, 1),
        role: 'assistant',
        status: 'completed',
        content: [{ type: 'refusal', refusal: 'I cannot.' }],
      },
    ]);
    expect(response.usage).toEqual({
      input_tokens: 10,
      input_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
      output_tokens: 4,
      output_tokens_details: { reasoning_tokens: 3 },
      total_tokens: 14,
    });
    expect(responseIdOfItem(outputItemId('msg', RESPONSE_ID, 1))).toBe(RESPONSE_ID);
    expect(responseIdOfItem('msg_foreign')).toBeUndefined();
  });
});

describe('Responses stream translation', () => {
  it('closes the message when a tool call starts, opens a new message for text after it, and numbers every event', () => {
    const translator = new ResponseStreamTranslator(header(), 'gpt-4o-mini');
    let text = translator.start();
    text += translator.push(chunkOf({ role: 'assistant', content: 'Let me check.' }));
    text += translator.push(
      chunkOf({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'w', arguments: '{}' } }] }),
    );
    text += translator.push(
      chunkOf({ tool_calls: [{ index: 1, id: 'call_2', type: 'function', function: { name: 'v', arguments: '' } }] }),
    );
    text += translator.push(chunkOf({ tool_calls: [{ index: 1, function: { arguments: '{"a":1}' } }] }));
    text += translator.push(chunkOf({}, 'tool_calls'));
    const { events: last, response } = translator.finish(usage);
    const all = events(text + last);
    expect(all.map((event) => event.sequence_number)).toEqual(all.map((_, index) => index));
    expect(all.map((event) => `${event.type}${event.output_index === undefined ? '' : `#${event.output_index}`}`)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added#0',
      'response.content_part.added#0',
      'response.output_text.delta#0',
      'response.output_text.done#0',
      'response.content_part.done#0',
      'response.output_item.done#0',
      'response.output_item.added#1',
      'response.function_call_arguments.delta#1',
      'response.output_item.added#2',
      'response.function_call_arguments.delta#2',
      'response.function_call_arguments.done#1',
      'response.output_item.done#1',
      'response.function_call_arguments.done#2',
      'response.output_item.done#2',
      'response.completed',
    ]);
    expect(response.output.map((item) => item.type)).toEqual(['message', 'function_call', 'function_call']);
    expect(response.output[2]).toMatchObject({ call_id: 'call_2', name: 'v', arguments: '{"a":1}', status: 'completed' });
  });

  it('streams reasoning text as a reasoning item that closes when the answer begins', () => {
    const translator = new ResponseStreamTranslator(header(), 'deepseek-reasoner');
    translator.start();
    let text = translator.push(chunkOf({ reasoning_content: 'Hmm, ' } as never));
    text += translator.push(chunkOf({ reasoning_content: 'yes.' } as never));
    text += translator.push(chunkOf({ content: 'Yes.' }, 'stop'));
    const { events: last, response } = translator.finish(usage);
    expect(events(text + last).map((event) => event.type)).toEqual([
      'response.output_item.added',
      'response.reasoning_text.delta',
      'response.reasoning_text.delta',
      'response.reasoning_text.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(response.output[0]).toEqual({
      type: 'reasoning',
      id: outputItemId('rs', RESPONSE_ID, 0),
      summary: [],
      content: [{ type: 'reasoning_text', text: 'Hmm, yes.' }],
    });
  });

  it('ends a stream cut at the token limit with response.incomplete, and a failed one with response.failed', () => {
    const cut = new ResponseStreamTranslator(header(), 'm');
    cut.start();
    cut.push(chunkOf({ content: 'Once' }));
    cut.push(chunkOf({}, 'length'));
    const { events: last, response } = cut.finish(usage);
    expect(events(last).at(-1)).toMatchObject({
      type: 'response.incomplete',
      response: { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } },
    });
    expect(response.output[0]).toMatchObject({ status: 'incomplete' });

    const broken = new ResponseStreamTranslator(header(), 'm');
    broken.start();
    broken.push(chunkOf({ refusal: 'No' }));
    const failed = events(broken.fail('upstream_interrupted', 'The provider broke off.', usage));
    expect((failed[0] as unknown as { response: { output: unknown[] } }).response.output).toEqual([
      expect.objectContaining({ type: 'message', status: 'incomplete', content: [{ type: 'refusal', refusal: 'No' }] }),
    ]);
    expect(failed).toEqual([
      expect.objectContaining({
        type: 'response.failed',
        response: expect.objectContaining({
          status: 'failed',
          error: { code: 'server_error', message: 'The provider broke off. (upstream_interrupted)' },
        }),
      }),
    ]);
  });
});
