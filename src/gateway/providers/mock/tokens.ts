// The mock provider's tokenizer: a word or a single punctuation mark is one token, so counts are easy to check.
import type { ChatCompletionMessageParam } from '../../openai-wire.js';

const TOKEN = /\w+|[^\w\s]/g;
const TOKEN_WITH_LEADING_SPACE = /\s*(?:\w+|[^\w\s])/g;

export function countTokens(text: string): number {
  return text.match(TOKEN)?.length ?? 0;
}

/** Splits text into tokens that concatenate back to the original (each keeps its leading whitespace). */
export function splitTokens(text: string): string[] {
  return text.match(TOKEN_WITH_LEADING_SPACE) ?? [];
}

export function messageText(message: ChatCompletionMessageParam): string {
  const { content } = message;
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part) => (part.type === 'text' && typeof part.text === 'string' ? part.text : ''))
    .filter((text) => text !== '')
    .join('\n');
}

export function countPromptTokens(messages: readonly ChatCompletionMessageParam[]): number {
  let total = 0;
  for (const message of messages) total += countTokens(messageText(message));
  return total;
}
