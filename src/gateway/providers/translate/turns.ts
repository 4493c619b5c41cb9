// OpenAI messages → alternating turns. Anthropic, Bedrock and Gemini take turns that alternate between the user and
// the model, where OpenAI allows several messages of one side in a row (tool results then a user message, or two
// assistant messages): those are merged into one turn.
import type { ChatCompletionMessageParam } from '../../openai-wire.js';

export interface Turn<Block> {
  role: 'user' | 'assistant';
  content: Block[];
}

/**
 * Each message translated to blocks by `blocksOf`, consecutive messages of one side merged into one turn; a message
 * with no blocks is left out. Assistant messages are the model's side, every other role (user, tool) the user's.
 */
export function alternatingTurns<Block>(
  messages: readonly ChatCompletionMessageParam[],
  blocksOf: (message: ChatCompletionMessageParam) => Block[],
): Turn<Block>[] {
  const turns: Turn<Block>[] = [];
  for (const message of messages) {
    const role = message.role === 'assistant' ? 'assistant' : 'user';
    const blocks = blocksOf(message);
    if (blocks.length === 0) continue;
    const previous = turns.at(-1);
    if (previous?.role === role) previous.content.push(...blocks);
    else turns.push({ role, content: blocks });
  }
  return turns;
}
