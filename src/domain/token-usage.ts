// Tokens a call used, as its provider reported them: what the gateway reads from an answer and metering prices.

/** Tokens as the provider counted them; cached tokens are a subset of prompt tokens. */
export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  /** Of the completion tokens, those the model spent thinking, when the provider reports them apart. */
  reasoningTokens?: number;
}

export const NO_USAGE: TokenUsage = Object.freeze({ promptTokens: 0, completionTokens: 0, cachedTokens: 0 });
