// Token counts as a provider reported them, unless they cannot be counts. A tenant's own connection may point at a
// host that answers anything: a count that is text, negative, fractional, NaN or absurdly large would meter as
// nothing (or poison every sum it joins), and so would no count at all (a prompt of 0 tokens is no prompt). Such a
// count is replaced by Shuttle's own: the prompt's upper bound, the answer's text counted.
import type { TokenUsage } from '../domain/token-usage.js';

/** More than any model's context: a larger "count" is not one. */
const MOST_TOKENS = 100_000_000;

const isCount = (value: unknown): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MOST_TOKENS;

/** `usage` itself when every count is one (the usual case: no object made); else each bad count from `counted`. */
export function trustedUsage(usage: TokenUsage, counted: () => TokenUsage): TokenUsage {
  const { promptTokens, completionTokens, cachedTokens } = usage;
  const reported = isCount(promptTokens) && promptTokens > 0;
  if (reported && isCount(completionTokens) && isCount(cachedTokens)) return usage;
  const own = counted();
  const prompt = reported ? promptTokens : own.promptTokens;
  return {
    promptTokens: prompt,
    // Without the prompt's count, a completion count of 0 is as unreported as the prompt's.
    completionTokens: isCount(completionTokens) && (reported || completionTokens > 0) ? completionTokens : own.completionTokens,
    // Cached tokens are billed cheaper: a bad count of them must not lower the bill.
    cachedTokens: isCount(cachedTokens) ? Math.min(cachedTokens, prompt) : 0,
  };
}
