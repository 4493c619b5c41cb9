// What Shuttle reads of a chat completion that it passes on verbatim: its top-level `usage` and `model`, without
// parsing the rest. JSON.parse pays for every property name and copies every string in the answer (choices, content,
// logprobs) only for them to be thrown away; here only the text from the "usage" key to the end and the text up to the
// "model" value are parsed (what that saves: docs/benchmarks.md).
import { endOfQuoted, indexOfQuoted, type QuotedName } from './key-search.js';
import type { UsageCarrier } from './profile.js';

export type CompletionSummary = UsageCarrier & { model?: unknown };

const USAGE: QuotedName = 'usage"';
const MODEL: QuotedName = 'model"';

/**
 * The answer's usage and model, or undefined when the text does not have the shape this reads, and must be parsed
 * whole. It reads `{` + the text from the first "usage" key after the first "model" key to the end, and the text up to
 * that model's value + `}`: each parses only where its key belongs to the answer object itself (from a nested key,
 * brackets are left unbalanced). Keys after that usage are in the first part, so of duplicate keys the last counts,
 * as with JSON.parse; a second "model" before it (nested or a duplicate) sends the answer to a whole parse.
 */
export function summariseCompletion(text: string): CompletionSummary | undefined {
  const modelAt = indexOfQuoted(text, MODEL);
  if (modelAt === -1) return undefined;
  const afterModel = endOfQuoted(modelAt, MODEL);
  const usageAt = indexOfQuoted(text, USAGE, afterModel);
  if (usageAt === -1) return undefined;
  const nextModel = indexOfQuoted(text, MODEL, afterModel);
  if (nextModel !== -1 && nextModel < usageAt) return undefined;
  const modelEnd = endOfPlainString(text, afterModel);
  if (modelEnd === -1) return undefined;
  try {
    const tail = JSON.parse(`{${text.slice(usageAt)}`) as CompletionSummary;
    const head = JSON.parse(`${text.slice(0, modelEnd)}}`) as { model?: unknown };
    return { usage: tail.usage, model: 'model' in tail ? tail.model : head.model };
  } catch {
    return undefined;
  }
}

/** The index after the string value that follows a key ending at `from` (`: "…"`), or -1 if it is not a plain string. */
function endOfPlainString(text: string, from: number): number {
  const open = text.indexOf('"', from);
  if (open === -1 || text.slice(from, open).trim() !== ':') return -1;
  const close = text.indexOf('"', open + 1);
  if (close === -1 || text.slice(open + 1, close).includes('\\')) return -1;
  return close + 1;
}
