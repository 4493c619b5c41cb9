// The schemas of the Responses API (POST /responses, GET /responses/{id}): what Shuttle checks and documents.
import { z } from 'zod';

const contentPart = z.looseObject({ type: z.enum(['input_text', 'input_image', 'input_file', 'output_text', 'refusal']) });

// One schema for every kind of item, its fields by kind checked where the request is translated: a union here would
// answer a mistake in a function_call with what a message lacks.
const inputItem = z
  .looseObject({
    type: z.enum(['message', 'function_call', 'function_call_output', 'reasoning', 'item_reference']).optional(),
    role: z.enum(['user', 'assistant', 'system', 'developer']).optional(),
    content: z.union([z.array(contentPart), z.string()]).optional(),
  })
  .describe('A message ({role, content}), function_call, function_call_output, item_reference or reasoning item');

const tool = z.looseObject({ type: z.string().min(1), name: z.string().min(1).optional() });

const format = z.union([
  z.looseObject({ type: z.enum(['text', 'json_object']) }),
  z.looseObject({
    type: z.literal('json_schema'),
    name: z.string().min(1),
    schema: z.record(z.string(), z.unknown()),
    strict: z.boolean().nullish(),
  }),
]);

export const responseCreateBody = z
  .looseObject({
    model: z.string().min(1).describe('provider/model, a bare model name, or a routing alias'),
    input: z.union([z.array(inputItem), z.string()]).describe('A user message as a string, or a list of input items'),
    instructions: z.string().nullish(),
    tools: z.array(tool).optional().describe('Function tools (other tool types are refused)'),
    tool_choice: z.union([z.enum(['none', 'auto', 'required']), z.looseObject({ type: z.string() })]).optional(),
    parallel_tool_calls: z.boolean().nullish(),
    text: z.looseObject({ format: format.optional() }).nullish(),
    max_output_tokens: z.int().positive().nullish(),
    temperature: z.number().min(0).max(2).nullish(),
    top_p: z.number().min(0).max(1).nullish(),
    reasoning: z.looseObject({ effort: z.string().nullish(), summary: z.string().nullish() }).nullish(),
    stream: z.boolean().nullish(),
    store: z.boolean().nullish().describe('Keep the response for GET and previous_response_id (default true)'),
    previous_response_id: z.string().min(1).nullish(),
    metadata: z.record(z.string(), z.string()).nullish(),
    user: z.string().optional(),
  })
  .describe('OpenAI Responses request');

const usage = z.looseObject({
  input_tokens: z.int(),
  input_tokens_details: z.looseObject({ cached_tokens: z.int(), cache_write_tokens: z.int() }),
  output_tokens: z.int(),
  output_tokens_details: z.looseObject({ reasoning_tokens: z.int() }),
  total_tokens: z.int(),
});

export const responseObject = z
  .looseObject({
    id: z.string(),
    object: z.literal('response'),
    created_at: z.int(),
    status: z.enum(['completed', 'failed', 'in_progress', 'incomplete']),
    model: z.string(),
    output: z.array(z.looseObject({ type: z.string(), id: z.string() })),
    usage: usage.optional(),
    previous_response_id: z.string().nullable(),
    store: z.boolean(),
  })
  .describe('OpenAI response object; with stream: true, text/event-stream of Responses events ending in response.completed');

export const responseIdParams = z.object({ id: z.string().min(1).max(64) });

export const responseDeleted = z.object({ id: z.string(), object: z.literal('response.deleted'), deleted: z.literal(true) });
