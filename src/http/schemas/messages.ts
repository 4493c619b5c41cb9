// The request and response schemas of POST /messages and /messages/count_tokens (Anthropic's Messages API): what
// Shuttle checks; every other field, and every field of a content block, passes through to Anthropic models.
import { z } from 'zod';

const block = z.looseObject({ type: z.string().min(1) }).describe('A content block (text, image, document, tool_use, tool_result, …)');

const message = z.looseObject({
  role: z.enum(['user', 'assistant']),
  content: z.union([z.string(), z.array(block)]),
});

const tool = z.looseObject({
  name: z.string().min(1),
  type: z.string().optional().describe('Absent or "custom" for a client tool; Anthropic’s own tools only on Anthropic models'),
  description: z.string().optional(),
  input_schema: z.looseObject({}).optional(),
});

const toolChoice = z.union([
  z.looseObject({ type: z.enum(['auto', 'any', 'none']), disable_parallel_tool_use: z.boolean().optional() }),
  z.looseObject({ type: z.literal('tool'), name: z.string().min(1), disable_parallel_tool_use: z.boolean().optional() }),
]);

const promptFields = {
  model: z.string().min(1).describe('provider/model, a bare model name, or a routing alias'),
  messages: z.array(message).min(1),
  system: z.union([z.string(), z.array(block)]).optional(),
  tools: z.array(tool).optional(),
  tool_choice: toolChoice.optional(),
  thinking: z.looseObject({ type: z.string().min(1) }).optional(),
};

export const messagesCreateBody = z
  .looseObject({
    ...promptFields,
    max_tokens: z.int().positive(),
    stream: z.boolean().optional(),
    stop_sequences: z.array(z.string()).optional(),
    temperature: z.number().min(0).max(1).optional(),
    top_p: z.number().min(0).max(1).optional(),
    top_k: z.int().min(0).optional(),
    metadata: z.looseObject({ user_id: z.string().nullish().describe('Names the end customer, like OpenAI’s user') }).optional(),
  })
  .describe('Anthropic Messages request');

export const countTokensBody = z.looseObject(promptFields).describe('Anthropic count_tokens request');

export const messageResponse = z
  .looseObject({
    id: z.string(),
    type: z.literal('message'),
    role: z.literal('assistant'),
    model: z.string(),
    content: z.array(block),
    stop_reason: z.string().nullable(),
    stop_sequence: z.string().nullable(),
    usage: z.looseObject({ input_tokens: z.int(), output_tokens: z.int() }),
  })
  .describe(
    'Anthropic message; with stream: true, text/event-stream of named events: message_start, content_block_start, ' +
      'content_block_delta, content_block_stop, message_delta, message_stop, ping and error',
  );

export const countTokensResponse = z.object({ input_tokens: z.int() }).describe('The input tokens of the request');
