// The tool-calling loop of one run: model call, the model's tool calls run (a ToolRound), their results appended as
// `tool` messages, model call again — until the model answers without calling a tool, or may call no more. Whole
// (converse) or streamed (streamRounds: the model's chunks, flow.tool_call and flow.tool_result events between).
import type { Execution } from '../../gateway/gateway.js';
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionCreateParams,
  ChatCompletionMessageParam,
  ChatCompletionMessageToolCall,
} from '../../gateway/openai-wire.js';
import type { ChatResult, ChatStreamResult, StreamPart } from '../../gateway/providers/provider.js';
import { offersTools, type ToolCallRecord, type ToolSet, toolParams } from './tool-loop.js';

/** What the loop needs of a run: its tools, a model call through the pipeline, and a way to run a round of calls. */
export interface Conversation {
  tools: ToolSet | undefined;
  /** Every tool call so far (the round appends to it). */
  toolCalls: ToolCallRecord[];
  chat(params: ChatCompletionCreateParams): Promise<Execution<ChatResult>>;
  runTools(calls: ChatCompletionMessageToolCall[]): Promise<ChatCompletionMessageParam[]>;
}

export interface ConversationEnd {
  target: Execution<ChatResult>['target'];
  model: string;
  text: string | null;
  /** The conversation as it ended (the prompt, then each assistant message with tool calls and their results). */
  messages: ChatCompletionMessageParam[];
}

/** The params of a model call of the loop: the run's tools and tool_choice for this round. */
export function withTools(params: ChatCompletionCreateParams, tools: ToolSet | undefined, round: number): ChatCompletionCreateParams {
  return tools ? { ...params, ...toolParams(tools, round) } : params;
}

/** A whole answer: model calls and tool rounds until the model answers. */
export async function converse(conversation: Conversation, params: ChatCompletionCreateParams): Promise<ConversationEnd> {
  let messages = params.messages;
  for (let round = 0; ; round++) {
    const offered = conversation.tools !== undefined && offersTools(conversation.tools);
    const { result, target } = await conversation.chat(withTools({ ...params, messages }, conversation.tools, round));
    if (result.stream) throw new Error('asked for a whole answer, got a stream');
    const message = (JSON.parse(result.body) as ChatCompletion).choices[0]?.message;
    const calls = message?.tool_calls ?? [];
    if (!offered || calls.length === 0) return { target, model: result.model, text: message?.content ?? null, messages };
    messages = [...messages, { role: 'assistant', content: message?.content ?? null, tool_calls: calls }];
    messages = [...messages, ...(await conversation.runTools(calls))];
  }
}

/**
 * A streamed loop, from the first model call's stream: each call's chunks as they come, then a flow.tool_call event
 * per call the model asked for, the calls run, a flow.tool_result event per call, and the next call's chunks; the
 * usage chunk of the last call only (the run's summary has the sum).
 */
export async function* streamRounds(
  conversation: Conversation,
  params: ChatCompletionCreateParams,
  first: ChatStreamResult,
): AsyncGenerator<StreamPart> {
  let stream = first;
  let messages = params.messages;
  for (let round = 0; ; round++) {
    const offered = conversation.tools !== undefined && offersTools(conversation.tools);
    const reply = new StreamedReply();
    let usage: StreamPart | undefined;
    for await (const part of stream.parts) {
      reply.add(part.data);
      if (part.usageOnly) usage = part;
      else yield part;
    }
    const calls = reply.calls();
    if (!offered || calls.length === 0) {
      if (usage) yield usage;
      return;
    }
    for (const call of calls) {
      yield event({ object: 'flow.tool_call', id: call.id, name: call.function.name, arguments: call.function.arguments });
    }
    const recorded = conversation.toolCalls.length;
    messages = [...messages, { role: 'assistant', content: reply.text || null, tool_calls: calls }];
    messages = [...messages, ...(await conversation.runTools(calls))];
    for (const record of conversation.toolCalls.slice(recorded)) {
      const { id, name, status, latencyMs, result, truncated } = record;
      yield event({ object: 'flow.tool_result', id, name, status, latencyMs, result, truncated });
    }
    const next = await conversation.chat(withTools({ ...params, messages }, conversation.tools, round + 1));
    if (!next.result.stream) throw new Error('asked for a stream, got a whole answer');
    stream = next.result;
  }
}

function event(body: Record<string, unknown>): StreamPart {
  return { data: JSON.stringify(body) };
}

/** Gathers a streamed assistant message: its text, and its tool calls from their deltas (pieces joined by index). */
class StreamedReply {
  text = '';
  private readonly pending = new Map<number, { id: string; name: string; arguments: string }>();

  add(data: string): void {
    let chunk: ChatCompletionChunk;
    try {
      chunk = JSON.parse(data) as ChatCompletionChunk;
    } catch {
      return;
    }
    const delta = chunk.choices?.[0]?.delta;
    if (!delta) return;
    if (typeof delta.content === 'string') this.text += delta.content;
    for (const piece of delta.tool_calls ?? []) {
      const call = this.pending.get(piece.index) ?? { id: '', name: '', arguments: '' };
      if (piece.id) call.id = piece.id;
      if (piece.function?.name) call.name += piece.function.name;
      if (piece.function?.arguments) call.arguments += piece.function.arguments;
      this.pending.set(piece.index, call);
    }
  }

  calls(): ChatCompletionMessageToolCall[] {
    return [...this.pending.entries()]
      .sort(([a], [b]) => a - b)
      .map(([index, call]) => ({
        id: call.id || `call_${index}`,
        type: 'function',
        function: { name: call.name, arguments: call.arguments },
      }));
  }
}
