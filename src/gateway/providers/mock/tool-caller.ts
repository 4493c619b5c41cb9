// `mock/tools`: a deterministic tool-calling model, so tool loops can be tried and tested with no provider. Given
// tools, and unless the last message is a tool result, it calls every tool once, with the arguments of a JSON object
// in the last user message (its member named after the tool when that is an object, else the whole object), or else
// built from each schema (first enum value, "x" for strings, 1 for numbers); after tool results it answers with them,
// joined by newlines. Without tools it echoes, as mock/echo does.
import type { ChatCompletionCreateParams, ChatCompletionMessageToolCall } from '../../openai-wire.js';
import { messageText } from './tokens.js';

export type ToolsAnswer = { kind: 'text'; text: string } | { kind: 'calls'; calls: ChatCompletionMessageToolCall[] };

export function toolsAnswer(params: ChatCompletionCreateParams): ToolsAnswer | undefined {
  const messages = params.messages;
  const last = messages.at(-1);
  if (last?.role === 'tool') {
    const lastAssistant = messages.findLastIndex((message) => message.role === 'assistant');
    const results = messages.slice(lastAssistant + 1).filter((message) => message.role === 'tool');
    return { kind: 'text', text: results.map((message) => messageText(message)).join('\n') };
  }
  const tools = (params.tools ?? []).filter((tool) => tool.type === 'function');
  if (tools.length === 0 || params.tool_choice === 'none') return undefined;
  const lastUser = [...messages].reverse().find((message) => message.role === 'user');
  const given = jsonObjectIn(lastUser ? messageText(lastUser) : '');
  const round = messages.filter((message) => message.role === 'assistant').length;
  return {
    kind: 'calls',
    calls: tools.map((tool, i) => {
      const own = given?.[tool.function.name];
      const args = isObject(own) ? own : (given ?? fromSchema(tool.function.parameters));
      return { id: `call_${round}_${i}`, type: 'function', function: { name: tool.function.name, arguments: JSON.stringify(args) } };
    }),
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The message itself when it is a JSON object, else the text from its first `{` to its last `}` when that is one. */
function jsonObjectIn(text: string): Record<string, unknown> | undefined {
  for (const candidate of [text.trim(), text.slice(text.indexOf('{'), text.lastIndexOf('}') + 1)]) {
    try {
      const value: unknown = JSON.parse(candidate);
      if (isObject(value)) return value;
    } catch {
      // not JSON: try the next candidate
    }
  }
  return undefined;
}

function fromSchema(schema: unknown): Record<string, unknown> {
  const properties = isObject(schema) && isObject(schema.properties) ? schema.properties : {};
  return Object.fromEntries(Object.entries(properties).map(([name, property]) => [name, exampleOf(property)]));
}

function exampleOf(schema: unknown): unknown {
  if (!isObject(schema)) return 'x';
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  if ('const' in schema) return schema.const;
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'number':
    case 'integer':
      return 1;
    case 'boolean':
      return true;
    case 'object':
      return fromSchema(schema);
    case 'array':
      return [];
    case 'null':
      return null;
    default:
      return 'x';
  }
}
