// Translates a provider's chat-completion chunks, as they arrive, into the Responses event stream: response.created,
// output items opened and closed around their deltas, and response.completed (or .incomplete, .failed) with usage.
import type { TokenUsage } from '../../../domain/token-usage.js';
import type { ChatCompletionChunk, CompletionUsage, FinishReason } from '../../openai-wire.js';
import { outputItemId } from './ids.js';
import { finishResponse, type ResponseHeader, responseSkeleton, responseUsage } from './response.js';
import type { Response, ResponseFunctionToolCall, ResponseOutputMessage, ResponseReasoningItem } from './wire.js';

interface OpenReasoning {
  item: ResponseReasoningItem;
  outputIndex: number;
  text: string;
}

/** Reasoning text some providers stream beside the answer (DeepSeek's `reasoning_content`, others' `reasoning`). */
interface ReasoningDelta {
  reasoning_content?: unknown;
  reasoning?: unknown;
}

interface OpenMessage {
  item: ResponseOutputMessage;
  outputIndex: number;
  /** The part deltas go to: text, or a refusal. */
  kind: 'output_text' | 'refusal';
  text: string;
}

interface OpenCall {
  item: ResponseFunctionToolCall & { id: string };
  outputIndex: number;
}

/** One SSE event as Responses clients read it: its type as the event name, the JSON as data. */
function frame(event: { type: string; [field: string]: unknown }): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

export class ResponseStreamTranslator {
  private sequence = 0;
  private readonly response: Response;
  private message: OpenMessage | undefined;
  private reasoning: OpenReasoning | undefined;
  /** Function calls by the chunk's tool-call index; closed at the end, in the order they opened. */
  private readonly calls = new Map<number, OpenCall>();
  private finishReason: FinishReason | null = null;
  private wireUsage: CompletionUsage | null = null;

  constructor(
    private readonly header: ResponseHeader,
    model: string,
  ) {
    this.response = responseSkeleton(header, model, 'in_progress');
  }

  /** response.created and response.in_progress. */
  start(): string {
    const snapshot = { ...this.response, output: [] };
    return this.event('response.created', { response: snapshot }) + this.event('response.in_progress', { response: snapshot });
  }

  /** The events for one chunk (often none: a role-only or usage-only chunk). */
  push(chunk: ChatCompletionChunk): string {
    if (chunk.usage) this.wireUsage = chunk.usage;
    if (typeof chunk.model === 'string' && chunk.model !== '') this.response.model = chunk.model;
    const choice = chunk.choices?.[0];
    if (choice === undefined) return '';
    let out = '';
    const { delta } = choice;
    const { reasoning_content: reasoningContent, reasoning } = delta as ReasoningDelta;
    const thought = typeof reasoningContent === 'string' ? reasoningContent : reasoning;
    if (typeof thought === 'string' && thought !== '') out += this.reason(thought);
    if (typeof delta.content === 'string' && delta.content !== '') out += this.text('output_text', delta.content);
    if (typeof delta.refusal === 'string' && delta.refusal !== '') out += this.text('refusal', delta.refusal);
    for (const call of delta.tool_calls ?? []) {
      const open = this.calls.get(call.index);
      const args = call.function?.arguments ?? '';
      if (open === undefined) {
        out += this.closeReasoning() + this.closeMessage();
        out += this.openCall(call.index, call.id, call.function?.name ?? '', args);
      } else if (args !== '') {
        open.item.arguments += args;
        if (call.function?.name && open.item.name === '') open.item.name = call.function.name;
        out += this.event('response.function_call_arguments.delta', { item_id: open.item.id, output_index: open.outputIndex, delta: args });
      }
    }
    if (choice.finish_reason) this.finishReason = choice.finish_reason;
    return out;
  }

  /** Closes every open item and answers the last event, with the response as it ended. */
  finish(metered: TokenUsage): { events: string; response: Response } {
    let out = this.closeReasoning() + this.closeMessage();
    for (const open of this.calls.values()) out += this.closeCall(open);
    const response = finishResponse(this.response, this.finishReason, responseUsage(metered, this.wireUsage));
    const type = response.status === 'incomplete' ? 'response.incomplete' : 'response.completed';
    return { events: out + this.event(type, { response }), response };
  }

  /**
   * The last event of a stream that broke off: the output so far, and the error. OpenAI's spec allows only its own
   * error codes there, so Shuttle's code goes into the message.
   */
  fail(code: string, message: string, metered: TokenUsage): string {
    const response = this.response;
    // The items still open keep what arrived, marked incomplete.
    const open = this.message;
    if (open !== undefined) {
      open.item.status = 'incomplete';
      open.item.content.push(
        open.kind === 'refusal'
          ? { type: 'refusal', refusal: open.text }
          : { type: 'output_text', text: open.text, annotations: [], logprobs: [] },
      );
    }
    for (const call of this.calls.values()) call.item.status = 'incomplete';
    if (this.reasoning !== undefined) this.reasoning.item.content = [{ type: 'reasoning_text', text: this.reasoning.text }];
    response.status = 'failed';
    response.error = { code: code === 'rate_limit_exceeded' ? code : 'server_error', message: `${message} (${code})` };
    response.usage = responseUsage(metered, this.wireUsage);
    return this.event('response.failed', { response });
  }

  private reason(delta: string): string {
    let out = '';
    if (this.reasoning === undefined) {
      const outputIndex = this.response.output.length;
      const item: ResponseReasoningItem = {
        type: 'reasoning',
        id: outputItemId('rs', this.header.id, outputIndex),
        summary: [],
        content: [],
      };
      this.response.output.push(item);
      this.reasoning = { item, outputIndex, text: '' };
      out += this.event('response.output_item.added', { output_index: outputIndex, item });
    }
    const open = this.reasoning;
    open.text += delta;
    return (
      out + this.event('response.reasoning_text.delta', { item_id: open.item.id, output_index: open.outputIndex, content_index: 0, delta })
    );
  }

  /** Reasoning ends where the answer (or a tool call) begins. */
  private closeReasoning(): string {
    const open = this.reasoning;
    if (open === undefined) return '';
    this.reasoning = undefined;
    const { item, outputIndex, text } = open;
    item.content = [{ type: 'reasoning_text', text }];
    return (
      this.event('response.reasoning_text.done', { item_id: item.id, output_index: outputIndex, content_index: 0, text }) +
      this.event('response.output_item.done', { output_index: outputIndex, item })
    );
  }

  private text(kind: OpenMessage['kind'], delta: string): string {
    let out = this.closeReasoning();
    if (this.message?.kind !== kind) out += this.closeMessage() + this.openMessage(kind);
    const open = this.message as OpenMessage;
    open.text += delta;
    const common = { item_id: open.item.id, output_index: open.outputIndex, content_index: 0 };
    if (kind === 'refusal') return out + this.event('response.refusal.delta', { ...common, delta });
    return out + this.event('response.output_text.delta', { ...common, delta, logprobs: [] });
  }

  private openMessage(kind: OpenMessage['kind']): string {
    const outputIndex = this.response.output.length;
    const item: ResponseOutputMessage = {
      type: 'message',
      id: outputItemId('msg', this.header.id, outputIndex),
      role: 'assistant',
      status: 'in_progress',
      content: [],
    };
    this.response.output.push(item);
    this.message = { item, outputIndex, kind, text: '' };
    const part = kind === 'refusal' ? { type: 'refusal', refusal: '' } : { type: 'output_text', text: '', annotations: [], logprobs: [] };
    return (
      this.event('response.output_item.added', { output_index: outputIndex, item: { ...item, content: [] } }) +
      this.event('response.content_part.added', { item_id: item.id, output_index: outputIndex, content_index: 0, part })
    );
  }

  private closeMessage(): string {
    const open = this.message;
    if (open === undefined) return '';
    this.message = undefined;
    const { item, outputIndex, text } = open;
    const common = { item_id: item.id, output_index: outputIndex, content_index: 0 };
    const part: ResponseOutputMessage['content'][number] =
      open.kind === 'refusal' ? { type: 'refusal', refusal: text } : { type: 'output_text', text, annotations: [], logprobs: [] };
    item.content.push(part);
    item.status = this.finishReason === 'length' || this.finishReason === 'content_filter' ? 'incomplete' : 'completed';
    const done =
      open.kind === 'refusal'
        ? this.event('response.refusal.done', { ...common, refusal: text })
        : this.event('response.output_text.done', { ...common, text, logprobs: [] });
    return (
      done +
      this.event('response.content_part.done', { ...common, part }) +
      this.event('response.output_item.done', { output_index: outputIndex, item })
    );
  }

  private openCall(index: number, callId: string | undefined, name: string, args: string): string {
    const outputIndex = this.response.output.length;
    const id = outputItemId('fc', this.header.id, outputIndex);
    const item = {
      type: 'function_call' as const,
      id,
      call_id: callId ?? `call_${id}`,
      name,
      arguments: '',
      status: 'in_progress' as const,
    };
    this.response.output.push(item);
    this.calls.set(index, { item, outputIndex });
    let out = this.event('response.output_item.added', { output_index: outputIndex, item: { ...item } });
    if (args !== '') {
      item.arguments = args;
      out += this.event('response.function_call_arguments.delta', { item_id: id, output_index: outputIndex, delta: args });
    }
    return out;
  }

  private closeCall(open: OpenCall): string {
    const { item, outputIndex } = open;
    (item as ResponseFunctionToolCall).status = 'completed';
    return (
      this.event('response.function_call_arguments.done', {
        item_id: item.id,
        output_index: outputIndex,
        name: item.name,
        arguments: item.arguments,
      }) + this.event('response.output_item.done', { output_index: outputIndex, item })
    );
  }

  private event(type: string, body: Record<string, unknown>): string {
    return frame({ type, sequence_number: this.sequence++, ...body });
  }
}
