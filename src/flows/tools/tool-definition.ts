// What a tool of the library is: a name the model calls it by, a description, the JSON Schema of its arguments, and
// the settings of its type (http, agent, critique, virtual, mcp). The request bodies of /tools are these schemas.
import { z } from 'zod';

/** The names models accept for a function (OpenAI's rule, the strictest of the providers'). */
export const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
export const TOOL_TYPES = ['http', 'agent', 'critique', 'virtual', 'mcp'] as const;
export type ToolType = (typeof TOOL_TYPES)[number];

/** A `{param}` placeholder of an http tool's URL. */
export const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]{0,63})\}/g;
export const MAX_TIMEOUT_MS = 60_000;
export const DEFAULT_TIMEOUT_MS = 10_000;
/** An http tool reads at most this much of an answer; the rest is cut off (and the model told so). */
export const RESPONSE_CAP_BYTES = 1024 * 1024;

const jsonSchema = z.record(z.string(), z.unknown());
/** Headers that frame the HTTP exchange itself: the gateway sets them, a tool may not. */
const RESERVED_HEADERS = new Set([
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'te',
  'trailer',
  'expect',
]);
const httpUrl = z
  .string()
  .max(2048)
  .refine((url) => /^https?:\/\//i.test(url), 'must be an http:// or https:// URL');
const flowRef = z.string().min(1).max(128).describe('A flow id or slug');

const common = {
  name: z.string().regex(TOOL_NAME, 'must be 1–64 letters, digits, _ or -'),
  description: z.string().max(4000).default(''),
  parameters: jsonSchema.optional().describe('JSON Schema of the arguments (default: an object with no properties)'),
};

export const httpFields = z.object({
  url: httpUrl.describe('The endpoint; {param} placeholders are filled from the arguments (URL-encoded)'),
  urls: z.record(z.string().min(1).max(64), httpUrl).optional().describe('Per environment: the URL used there instead of url'),
  method: z.enum(['GET', 'POST']).default('GET').describe('GET sends the other arguments as the query, POST as a JSON body'),
  headers: z
    .record(
      z
        .string()
        .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}$/, 'must be a header name')
        .refine((name) => !RESERVED_HEADERS.has(name.toLowerCase()), 'is set by the gateway, not by a tool'),
      z
        .string()
        .max(8192)
        .regex(/^[^\r\n\0]*$/, 'may not contain line breaks'),
    )
    .optional()
    .describe('Sent with every call; stored encrypted, never returned'),
  timeoutMs: z.int().min(100).max(MAX_TIMEOUT_MS).default(DEFAULT_TIMEOUT_MS),
});

export const agentFields = z.object({
  flowId: flowRef.describe('The flow run as a sub-agent (an id or slug; stored as its id)'),
  maxDepth: z.int().min(1).max(5).default(3).describe('How deep agents may call agents below this one'),
});

export const critiqueFields = z.object({
  producerFlow: flowRef,
  criticFlow: flowRef,
  maxIterations: z.int().min(1).max(10).default(3),
  verdict: z
    .object({
      format: z.enum(['json', 'keyword']).default('json'),
      field: z.string().min(1).max(64).default('approved').describe('json: the boolean field of the critic’s answer'),
      keyword: z.string().min(1).max(64).default('APPROVED').describe('keyword: the word that approves'),
    })
    .default({ format: 'json', field: 'approved', keyword: 'APPROVED' }),
});

export const VIRTUAL_TOOLS = ['web_search'] as const;
export const virtualFields = z.object({ providerTool: z.enum(VIRTUAL_TOOLS).describe('A provider-native tool') });

export const mcpFields = z.object({
  serverId: z.string().min(1).max(128),
  toolName: z.string().min(1).max(256),
  inputSchema: jsonSchema.describe('The tool’s input schema as its MCP server gave it'),
});

export const toolInput = z.discriminatedUnion('type', [
  z.object({ ...common, type: z.literal('http'), ...httpFields.shape }).strict(),
  z.object({ ...common, type: z.literal('agent'), ...agentFields.shape }).strict(),
  z.object({ ...common, type: z.literal('critique'), ...critiqueFields.shape }).strict(),
  z.object({ ...common, type: z.literal('virtual'), ...virtualFields.shape }).strict(),
  z.object({ ...common, type: z.literal('mcp'), ...mcpFields.shape }).strict(),
]);
export type ToolInput = z.infer<typeof toolInput>;

/** A PATCH: any field but the type (which never changes); validated again with the tool's type once merged. */
export const toolPatch = z
  .object({ ...common, type: z.enum(TOOL_TYPES) })
  .partial()
  .catchall(z.unknown());
export type ToolPatch = z.infer<typeof toolPatch>;

/** The non-secret, type-specific settings as stored (an http tool's headers are stored apart, encrypted). */
export type ToolConfig = Record<string, unknown>;

/** The type-specific fields of an input, without the headers. */
export function configOf(input: ToolInput): ToolConfig {
  const { name: _n, description: _d, parameters: _p, type: _t, ...rest } = input;
  if ('headers' in rest) {
    const { headers: _h, ...config } = rest;
    return config;
  }
  return rest;
}

/** The placeholders of an http tool's URL, in order. */
export function placeholders(url: string): string[] {
  return [...url.matchAll(PLACEHOLDER)].map((match) => match[1] as string);
}
