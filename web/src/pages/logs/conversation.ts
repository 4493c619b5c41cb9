// A logged request and its answer as one conversation of turns (system, user, assistant, tool), whatever the
// endpoint's dialect: OpenAI chat completions, the Responses API, Anthropic Messages, flow runs and embeddings.
// Self-contained (no imports) so it can be unit-tested outside the browser.

export type Part =
  | { kind: 'text'; text: string }
  | { kind: 'tool-call'; name: string; callId: string | null; arguments: string }
  | { kind: 'tool-result'; callId: string | null; content: string; isError: boolean }
  | { kind: 'media'; label: string };

export interface Turn {
  /** system, developer, user, assistant, tool — or another role as the body names it. */
  role: string;
  parts: Part[];
  /** Whether the turn is the gateway's answer rather than part of the request. */
  answer: boolean;
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const asString = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** JSON as text for people: strings as they are, anything else indented. */
export function readable(value: unknown): string {
  if (typeof value === 'string') {
    try {
      return JSON.stringify(JSON.parse(value), null, 2);
    } catch {
      return value;
    }
  }
  return JSON.stringify(value, null, 2) ?? '';
}

/** The content of a chat message, a Responses item or an Anthropic block list, as parts. */
function contentParts(content: unknown): Part[] {
  if (typeof content === 'string') return content === '' ? [] : [{ kind: 'text', text: content }];
  return asArray(content).flatMap((block): Part[] => {
    if (typeof block === 'string') return [{ kind: 'text', text: block }];
    if (!isObject(block)) return [];
    const text = asString(block.text) ?? asString(block.refusal) ?? asString(block.thinking);
    switch (block.type) {
      case 'text':
      case 'input_text':
      case 'output_text':
      case 'refusal':
      case 'thinking':
        return text === null ? [] : [{ kind: 'text', text }];
      case 'tool_use':
        return [
          { kind: 'tool-call', name: String(block.name ?? 'tool'), callId: asString(block.id), arguments: readable(block.input ?? {}) },
        ];
      case 'tool_result':
        return [
          {
            kind: 'tool-result',
            callId: asString(block.tool_use_id),
            content: toolOutput(block.content),
            isError: block.is_error === true,
          },
        ];
      case 'image':
      case 'image_url':
      case 'input_image':
        return [{ kind: 'media', label: 'An image' }];
      case 'input_audio':
        return [{ kind: 'media', label: 'Audio' }];
      case 'file':
      case 'input_file':
      case 'document':
        return [{ kind: 'media', label: 'A file' }];
      default:
        return text === null ? [{ kind: 'text', text: readable(block) }] : [{ kind: 'text', text }];
    }
  });
}

/** A tool's output: a string, or text blocks, or JSON. */
function toolOutput(content: unknown): string {
  if (typeof content === 'string') return content;
  const parts = contentParts(content);
  if (parts.length > 0 && parts.every((part) => part.kind === 'text')) return parts.map((part) => part.text).join('\n');
  return readable(content ?? '');
}

function turn(role: string, parts: Part[], answer = false): Turn[] {
  return parts.length === 0 ? [] : [{ role, parts, answer }];
}

/** An OpenAI chat message, with its tool calls, or a tool's result. */
function chatMessage(message: unknown, answer = false): Turn[] {
  if (!isObject(message)) return [];
  const role = asString(message.role) ?? 'user';
  if (role === 'tool' || role === 'function') {
    return turn(
      'tool',
      [
        {
          kind: 'tool-result',
          callId: asString(message.tool_call_id) ?? asString(message.name),
          content: toolOutput(message.content),
          isError: false,
        },
      ],
      answer,
    );
  }
  const calls = asArray(message.tool_calls).flatMap((call): Part[] => {
    if (!isObject(call) || !isObject(call.function)) return [];
    return [
      {
        kind: 'tool-call',
        name: String(call.function.name ?? 'tool'),
        callId: asString(call.id),
        arguments: readable(call.function.arguments ?? ''),
      },
    ];
  });
  const refusal = asString(message.refusal);
  return turn(role, [...contentParts(message.content), ...(refusal ? [{ kind: 'text' as const, text: refusal }] : []), ...calls], answer);
}

function chatCompletions(request: unknown, response: unknown): Turn[] {
  const asked = isObject(request) ? asArray(request.messages).flatMap((message) => chatMessage(message)) : [];
  const choices = isObject(response) ? asArray(response.choices) : [];
  const answered = choices.flatMap((choice) => (isObject(choice) ? chatMessage(choice.message ?? choice.delta, true) : []));
  return [...asked, ...answered];
}

/** A Responses API input or output item: a message, a function call or its output; reasoning summaries as text. */
function responsesItem(item: unknown, answer: boolean): Turn[] {
  if (typeof item === 'string') return turn('user', [{ kind: 'text', text: item }], answer);
  if (!isObject(item)) return [];
  switch (item.type) {
    case 'function_call':
    case 'custom_tool_call':
      return turn(
        'assistant',
        [
          {
            kind: 'tool-call',
            name: String(item.name ?? 'tool'),
            callId: asString(item.call_id),
            arguments: readable(item.arguments ?? item.input ?? ''),
          },
        ],
        answer,
      );
    case 'function_call_output':
    case 'custom_tool_call_output':
      return turn(
        'tool',
        [{ kind: 'tool-result', callId: asString(item.call_id), content: toolOutput(item.output), isError: false }],
        answer,
      );
    case 'reasoning':
      return turn('assistant', contentParts(item.summary), answer);
    default:
      return turn(asString(item.role) ?? 'user', contentParts(item.content), answer);
  }
}

function responses(request: unknown, response: unknown): Turn[] {
  if (!isObject(request)) return [];
  const instructions = asString(request.instructions);
  const input = typeof request.input === 'string' ? [request.input] : asArray(request.input);
  const output = isObject(response) ? asArray(response.output) : [];
  return [
    ...(instructions ? turn('system', [{ kind: 'text', text: instructions }]) : []),
    ...input.flatMap((item) => responsesItem(item, false)),
    ...output.flatMap((item) => responsesItem(item, true)),
  ];
}

/** Anthropic: a top-level system prompt, then user and assistant turns whose tool results travel in user turns. */
function messages(request: unknown, response: unknown): Turn[] {
  if (!isObject(request)) return [];
  const asked = asArray(request.messages).flatMap((message) => {
    if (!isObject(message)) return [];
    const parts = contentParts(message.content);
    const role = asString(message.role) ?? 'user';
    // A user turn made only of tool results is the tools speaking.
    return turn(parts.length > 0 && parts.every((part) => part.kind === 'tool-result') ? 'tool' : role, parts);
  });
  const answered = isObject(response) ? turn(asString(response.role) ?? 'assistant', contentParts(response.content), true) : [];
  return [...turn('system', contentParts(request.system)), ...asked, ...answered];
}

/** A flow run: the parameters filled in (the templates they fill live in the flow's version), and the answer. */
function flowRun(request: unknown, response: unknown): Turn[] {
  if (!isObject(request)) return [];
  const parameters = isObject(request.parameters) ? Object.entries(request.parameters) : [];
  const listed = parameters.map(([name, value]) => `${name}: ${typeof value === 'string' ? value : JSON.stringify(value)}`).join('\n');
  const extra = asArray(request.messages).flatMap((message) => chatMessage(message));
  // A run answers {id, response, usage, …}; a streamed run is kept as the chat.completion its events add up to.
  const answer = isObject(response) && 'response' in response ? response.response : undefined;
  const answered =
    isObject(response) && Array.isArray(response.choices)
      ? chatCompletions({}, response)
      : answer === undefined || answer === null
        ? []
        : turn('assistant', [{ kind: 'text', text: readable(answer) }], true);
  return [...turn('user', listed ? [{ kind: 'text', text: listed }] : []), ...extra, ...answered];
}

/** Embeddings: each input as text (token arrays as they are); the answer is vectors, summed up, not shown. */
function embeddings(request: unknown, response: unknown): Turn[] {
  if (!isObject(request)) return [];
  const inputs = typeof request.input === 'string' ? [request.input] : asArray(request.input);
  const parts: Part[] = inputs.map((input) => ({ kind: 'text', text: typeof input === 'string' ? input : JSON.stringify(input) }));
  const vectors = isObject(response) ? asArray(response.data) : [];
  const first = vectors[0];
  const dimensions = isObject(first) && Array.isArray(first.embedding) ? first.embedding.length : null;
  const summary =
    vectors.length > 0
      ? `${vectors.length} embedding${vectors.length === 1 ? '' : 's'}${dimensions === null ? '' : ` of ${dimensions} dimensions`}`
      : null;
  return [...turn('user', parts), ...(summary ? turn('assistant', [{ kind: 'text', text: summary }], true) : [])];
}

const DIALECTS: Record<string, (request: unknown, response: unknown) => Turn[]> = {
  'chat.completions': chatCompletions,
  responses,
  messages,
  'flows.run': flowRun,
  embeddings,
};

/**
 * The conversation of a logged request, or null when the endpoint's dialect is unknown. A truncated body is a
 * string: it is not JSON any more, and yields no turns.
 */
export function conversationOf(endpoint: string, request: unknown, response: unknown): Turn[] | null {
  const read = DIALECTS[endpoint];
  return read ? read(request, response) : null;
}
