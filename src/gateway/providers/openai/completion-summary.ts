// What Shuttle reads of a chat completion that it passes on verbatim: its top-level `usage` and `model`, without
// parsing the rest. JSON.parse costs about 1,100 instructions per property name and copies every string in the answer
// (choices, content, logprobs) only for them to be thrown away; here only the text from the last "usage" key to the
// end and the text up to the first "model" value are parsed.
import type { UsageCarrier } from './profile.js';

export type CompletionSummary = UsageCarrier & { model?: unknown };

const USAGE_KEY = '"usage"';
const MODEL_KEY = '"model"';

/**
 * The answer's usage and model, or undefined when the text does not have the shape this reads, and must be parsed
 * whole. Each part parses only where its key belongs to the answer object itself: `{` + the text from a nested key to
 * the end, or the text up to a nested value + `}`, leaves brackets unbalanced. "model" must appear once (a second
 * key of that name would be the one JSON.parse keeps); of several top-level "usage" keys the last counts, as there.
 */
export function summariseCompletion(text: string): CompletionSummary | undefined {
  const usageAt = text.lastIndexOf(USAGE_KEY);
  const modelAt = text.indexOf(MODEL_KEY);
  if (usageAt === -1 || modelAt === -1 || modelAt > usageAt) return undefined;
  if (text.indexOf(MODEL_KEY, modelAt + MODEL_KEY.length) !== -1) return undefined;
  const modelEnd = endOfPlainString(text, modelAt + MODEL_KEY.length);
  if (modelEnd === -1) return undefined;
  try {
    const tail = JSON.parse(`{${text.slice(usageAt)}`) as UsageCarrier;
    const head = JSON.parse(`${text.slice(0, modelEnd)}}`) as { model?: unknown };
    return { usage: tail.usage, model: head.model };
  } catch {
    return undefined;
  }
}

/** The index after the string value that follows a key ending at `from` (`: "…"`), or -1 if it is not a plain string. */
function endOfPlainString(text: string, from: number): number {
  const open = text.indexOf('"', from);
  if (open === -1 || text.slice(from, open).trim() !== ':') return -1;
  const close = text.indexOf('"', open + 1);
  if (close === -1 || text.lastIndexOf('\\', close) > open) return -1;
  return close + 1;
}
