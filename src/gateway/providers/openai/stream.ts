// An OpenAI-compatible provider's stream, passed through event by event; only the chunk that carries usage is
// parsed, to meter it and to learn the model that served the request.
import type { ChatCompletionChunk } from '../../openai-wire.js';
import { readServerSentEvents } from '../../sse.js';
import type { StreamPart, TokenUsage } from '../provider.js';
import type { UsageCarrier } from './profile.js';

const USAGE_OBJECT = /"usage"\s*:\s*\{/;

export async function* openAiStreamParts(
  body: AsyncIterable<Uint8Array>,
  readUsage: (carrier: UsageCarrier) => TokenUsage | undefined,
): AsyncGenerator<StreamPart> {
  for await (const events of readServerSentEvents(body)) {
    for (const event of events) {
      if (event.data === '[DONE]') return;
      if (!USAGE_OBJECT.test(event.data)) {
        yield { data: event.data };
        continue;
      }
      const chunk = JSON.parse(event.data) as ChatCompletionChunk & UsageCarrier;
      const usage = readUsage(chunk);
      const part: StreamPart = { data: event.data, usageOnly: (chunk.choices ?? []).length === 0 };
      if (usage) part.usage = usage;
      if (chunk.model) part.model = chunk.model;
      yield part;
    }
  }
}
