// An OpenAI-compatible provider's stream, passed through event by event; only the chunk that carries usage is
// parsed, to meter it and to learn the model that served the request.

import type { TokenUsage } from '../../../domain/token-usage.js';
import type { ChatCompletionChunk } from '../../openai-wire.js';
import { readServerSentEvents } from '../../sse.js';
import type { StreamPart } from '../provider.js';
import { endOfQuoted, indexOfQuoted, type QuotedName } from './key-search.js';
import type { UsageCarrier } from './profile.js';

const USAGE: QuotedName = 'usage"';
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;

/** JSON's whitespace: space, tab, line feed, carriage return. */
function isJsonSpace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

// How OpenAI ends every chunk but the usage one when a stream asks for usage: its top-level usage is null.
const NULL_USAGE_END = '"usage":null}';

/**
 * Whether an event's JSON has a "usage" key whose value is an object — the chunk worth parsing — rather than null, as
 * OpenAI sends in every other chunk of a stream that asked for usage. A chunk that ends with a null usage is passed
 * at once (its usage is that last key's, as JSON.parse reads duplicates); any other is searched for the key and what
 * follows each hit. The regular expression this replaces (/"usage"\s*:\s*\{/) ran over every event.
 */
export function carriesUsage(data: string): boolean {
  if (data.endsWith(NULL_USAGE_END)) return false;
  for (let at = indexOfQuoted(data, USAGE); at !== -1; at = indexOfQuoted(data, USAGE, at + 1)) {
    let i = endOfQuoted(at, USAGE);
    while (isJsonSpace(data.charCodeAt(i))) i++;
    if (data.charCodeAt(i) !== COLON) continue;
    i++;
    while (isJsonSpace(data.charCodeAt(i))) i++;
    if (data.charCodeAt(i) === OPEN_BRACE) return true;
  }
  return false;
}

export async function* openAiStreamParts(
  body: AsyncIterable<Uint8Array>,
  readUsage: (carrier: UsageCarrier) => TokenUsage | undefined,
  repairChunk?: (data: string) => string,
): AsyncGenerator<StreamPart> {
  for await (const events of readServerSentEvents(body)) {
    for (const event of events) {
      if (event.data === '[DONE]') return;
      const data = repairChunk === undefined ? event.data : repairChunk(event.data);
      if (!carriesUsage(data)) {
        yield { data };
        continue;
      }
      const chunk = JSON.parse(data) as ChatCompletionChunk & UsageCarrier;
      const usage = readUsage(chunk);
      const part: StreamPart = { data, usageOnly: (chunk.choices ?? []).length === 0 };
      if (usage) part.usage = usage;
      if (chunk.model) part.model = chunk.model;
      yield part;
    }
  }
}
