// Anthropic Messages request → OpenAI chat request: what a non-Anthropic provider is sent, and what limits count for
// every request of this dialect. System blocks become one system message, text, image and document blocks content
// parts, tool_use blocks tool calls and tool_result blocks tool messages; `cache_control`, `thinking` and `top_k`
// have no equivalent and are left out. What only Anthropic can serve (its own tools, URL and file sources, blocks
// without an equivalent) is refused when the request is to be sent elsewhere, and kept as JSON text when it is
// translated only to be counted.
import { InvalidRequestError } from '../../../errors/shuttle-error.js';
import type {
  ChatCompletionContentPart,
  ChatCompletionCreateParams,
  ChatCompletionMessageParam,
  ChatCompletionMessageToolCall,
  ChatCompletionTool,
} from '../../openai-wire.js';
import type { ContentBlockInput, MessageInput, MessagesRequest, ToolChoiceInput, ToolInput } from './wire.js';

/** `send`: the request for another provider, refusing what it cannot carry; `count`: its text for limits, refusing nothing. */
export type TranslationPurpose = 'send' | 'count';

export function chatParamsOf(request: MessagesRequest, purpose: TranslationPurpose): ChatCompletionCreateParams {
  const translation = new Translation(purpose === 'send');
  const messages: ChatCompletionMessageParam[] = [];
  const system = translation.systemText(request.system);
  if (system !== '') messages.push({ role: 'system', content: system });
  for (const [index, message] of request.messages.entries()) messages.push(...translation.messages(message, `messages.${index}`));
  const params: ChatCompletionCreateParams = { model: request.model, messages, max_tokens: request.max_tokens };
  if (request.stream === true) params.stream = true;
  if (typeof request.temperature === 'number') params.temperature = request.temperature;
  if (typeof request.top_p === 'number') params.top_p = request.top_p;
  if (request.stop_sequences?.length) params.stop = request.stop_sequences;
  if (typeof request.metadata?.user_id === 'string') params.user = request.metadata.user_id;
  if (request.tools?.length) params.tools = request.tools.map((tool, index) => translation.tool(tool, `tools.${index}`));
  if (request.tool_choice) Object.assign(params, toolChoiceOf(request.tool_choice));
  return params;
}

interface Source {
  type?: unknown;
  media_type?: unknown;
  data?: unknown;
  url?: unknown;
  content?: unknown;
}

class Translation {
  constructor(private readonly strict: boolean) {}

  systemText(system: MessagesRequest['system']): string {
    if (system === undefined) return '';
    if (typeof system === 'string') return system;
    return system.map((block) => this.text(block, 'system')).join('\n');
  }

  messages(message: MessageInput, param: string): ChatCompletionMessageParam[] {
    const { content } = message;
    if (typeof content === 'string') return [{ role: message.role, content }];
    if (message.role === 'assistant') return [this.assistantMessage(content, param)];
    // A user turn's tool results become tool messages, which must directly follow the assistant's tool calls.
    const toolMessages: ChatCompletionMessageParam[] = [];
    const parts: ChatCompletionContentPart[] = [];
    for (const block of content) {
      if (block.type === 'tool_result') {
        const { text, media } = this.toolResult(block, param);
        toolMessages.push({ role: 'tool', tool_call_id: stringField(block, 'tool_use_id', param), content: text });
        parts.push(...media);
      } else {
        const part = this.contentPart(block, param);
        if (part) parts.push(part);
      }
    }
    return parts.length === 0 ? toolMessages : [...toolMessages, { role: 'user', content: parts }];
  }

  tool(tool: ToolInput, param: string): ChatCompletionTool {
    if (tool.type !== undefined && tool.type !== 'custom') {
      if (this.strict)
        throw new InvalidRequestError(`The tool type "${tool.type}" is Anthropic's own; only Anthropic models can use it.`, param);
      return { type: 'function', function: { name: tool.name, description: JSON.stringify(tool) } };
    }
    return {
      type: 'function',
      function: {
        name: tool.name,
        ...(tool.description === undefined ? {} : { description: tool.description }),
        parameters: tool.input_schema ?? { type: 'object', properties: {} },
      },
    };
  }

  private assistantMessage(content: ContentBlockInput[], param: string): ChatCompletionMessageParam {
    const texts: string[] = [];
    const toolCalls: ChatCompletionMessageToolCall[] = [];
    for (const block of content) {
      if (block.type === 'text') texts.push(stringField(block, 'text', param));
      else if (block.type === 'tool_use') {
        toolCalls.push({
          id: stringField(block, 'id', param),
          type: 'function',
          function: { name: stringField(block, 'name', param), arguments: JSON.stringify(block.input ?? {}) },
        });
      } else if (block.type !== 'thinking' && block.type !== 'redacted_thinking') {
        // Thinking is the model's own, and its signature only Anthropic can check: it is left out.
        texts.push(this.unsupported(block, param));
      }
    }
    const message: ChatCompletionMessageParam = { role: 'assistant', content: texts.length > 0 ? texts.join('') : null };
    if (toolCalls.length > 0) message.tool_calls = toolCalls;
    return message;
  }

  private contentPart(block: ContentBlockInput, param: string): ChatCompletionContentPart | undefined {
    switch (block.type) {
      case 'text':
        return { type: 'text', text: stringField(block, 'text', param) };
      case 'image':
        return this.image(block, param);
      case 'document':
        return this.document(block, param);
      case 'thinking':
      case 'redacted_thinking':
        return undefined;
      default:
        return { type: 'text', text: this.unsupported(block, param) };
    }
  }

  private image(block: ContentBlockInput, param: string): ChatCompletionContentPart {
    const source = (block.source ?? {}) as Source;
    if (source.type === 'base64' && typeof source.media_type === 'string' && typeof source.data === 'string') {
      return { type: 'image_url', image_url: { url: `data:${source.media_type};base64,${source.data}` } };
    }
    if (source.type === 'url' && typeof source.url === 'string') return { type: 'image_url', image_url: { url: source.url } };
    return { type: 'text', text: this.unsupported(block, param, `an image with a ${String(source.type)} source`) };
  }

  /** PDFs as OpenAI file parts, plain-text documents as text; URL and file documents only Anthropic can fetch. */
  private document(block: ContentBlockInput, param: string): ChatCompletionContentPart {
    const source = (block.source ?? {}) as Source;
    if (source.type === 'base64' && typeof source.data === 'string') {
      const mediaType = typeof source.media_type === 'string' ? source.media_type : 'application/pdf';
      const title = typeof block.title === 'string' ? block.title : 'document';
      return { type: 'file', file: { filename: `${title}.pdf`, file_data: `data:${mediaType};base64,${source.data}` } };
    }
    if (source.type === 'text' && typeof source.data === 'string') return { type: 'text', text: source.data };
    if (source.type === 'content' && Array.isArray(source.content)) {
      return { type: 'text', text: (source.content as ContentBlockInput[]).map((part) => this.text(part, param)).join('\n') };
    }
    return { type: 'text', text: this.unsupported(block, param, `a document with a ${String(source.type)} source`) };
  }

  /** A tool result's text for the tool message; its images and documents go to the user message that follows. */
  private toolResult(block: ContentBlockInput, param: string): { text: string; media: ChatCompletionContentPart[] } {
    const prefix = block.is_error === true ? 'Error: ' : '';
    const { content } = block;
    if (content === undefined || typeof content === 'string') return { text: prefix + (content ?? ''), media: [] };
    if (!Array.isArray(content)) throw new InvalidRequestError('A tool_result block’s content must be text or blocks.', `${param}.content`);
    const texts: string[] = [];
    const media: ChatCompletionContentPart[] = [];
    for (const part of content as ContentBlockInput[]) {
      if (part.type === 'text') texts.push(stringField(part, 'text', param));
      else {
        const converted = this.contentPart(part, param);
        if (converted) media.push(converted);
      }
    }
    return { text: prefix + texts.join('\n'), media };
  }

  private text(block: ContentBlockInput, param: string): string {
    return block.type === 'text' ? stringField(block, 'text', param) : this.unsupported(block, param);
  }

  /** Refuses what only Anthropic can serve when sending; when counting, its JSON stands for it. */
  private unsupported(block: ContentBlockInput, param: string, what = `a "${block.type}" block`): string {
    if (!this.strict) return JSON.stringify(block);
    throw new InvalidRequestError(`Only Anthropic models take ${what}; this request is served by another provider.`, `${param}.content`);
  }
}

function toolChoiceOf(choice: ToolChoiceInput): Pick<ChatCompletionCreateParams, 'tool_choice'> & { parallel_tool_calls?: boolean } {
  const serial = choice.type !== 'none' && choice.disable_parallel_tool_use === true ? { parallel_tool_calls: false } : {};
  switch (choice.type) {
    case 'any':
      return { tool_choice: 'required', ...serial };
    case 'tool':
      return { tool_choice: { type: 'function', function: { name: choice.name } }, ...serial };
    default:
      return { tool_choice: choice.type, ...serial };
  }
}

function stringField(block: ContentBlockInput, field: string, param: string): string {
  const value = block[field];
  if (typeof value !== 'string') throw new InvalidRequestError(`A ${block.type} block needs "${field}" as a string.`, `${param}.content`);
  return value;
}
