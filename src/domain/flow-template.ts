// The shape of a flow and of its versions: templates keyed by name (`main` is the entry point), each a system
// prompt, a user message, a model or routing alias, sampling settings, fallbacks, an optional response schema, and
// the tools the model may call.
import { z } from 'zod';

export const TEMPLATE_NAME = /^[a-z][a-z0-9_-]{0,63}$/;
export const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export const flowTemplate = z
  .object({
    template: z.string().max(200_000).default('').describe('The system prompt, with [[parameters]]'),
    userTemplate: z.string().max(200_000).optional().describe('The user message, with [[parameters]]'),
    llm: z.string().min(1).max(256).describe('A model (provider/model) or a routing alias'),
    temperature: z.number().min(0).max(2).optional(),
    maxTokens: z.int().positive().max(1_000_000).optional(),
    fallbacks: z.array(z.string().min(1).max(256)).max(10).optional().describe('Models tried in order after llm'),
    responseSchema: z.record(z.string(), z.unknown()).optional().describe('JSON Schema the answer must satisfy'),
    tools: z
      .array(z.string().min(1).max(128))
      .max(64)
      .optional()
      .describe('Tools of the library the model may call, by id or name (docs/flows.md#tools)'),
    maxToolCalls: z.int().min(0).max(100).optional().describe('Tool calls a run may make in all (default 10)'),
    toolChoice: z
      .union([z.enum(['auto', 'required', 'none']), z.object({ name: z.string().min(1).max(128) }).strict()])
      .optional()
      .describe('auto (default), required, none, or {name}: the tool the first model call must use'),
  })
  .strict();

export const templates = z
  .record(z.string().regex(TEMPLATE_NAME, 'template names are lower-case words'), flowTemplate)
  .refine((value) => 'main' in value, 'must include a "main" template, the entry point');

export type FlowTemplate = z.infer<typeof flowTemplate>;
export type FlowTemplates = z.infer<typeof templates>;

/** "Support reply (v2)!" → "support-reply-v2". */
export function slugify(title: string): string {
  const slug = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64)
    .replace(/-+$/, '');
  return slug === '' ? 'flow' : slug;
}

/** How many tool calls a run makes at most when its template does not say. */
export const DEFAULT_MAX_TOOL_CALLS = 10;
