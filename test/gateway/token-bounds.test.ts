// Counting a long text stays linear in its length, whatever it holds: a stream cut short is counted as it closes,
// on the event loop, so a count that grew with the square of the text would stall every request of the instance.
import { describe, expect, it } from 'vitest';
import { loadTokenizers, textTokens, tokenFamily } from '../../src/gateway/token-bounds.js';

describe('counting the tokens of a long streamed text', () => {
  it('counts 8 MB without a space in seconds at most, not minutes, and never below its tokenizer count', async () => {
    const family = tokenFamily('gpt-4o-mini');
    await loadTokenizers([family]);
    const text = 'x'.repeat(8 * 1024 * 1024);
    const started = performance.now();
    const tokens = textTokens([text], family);
    const took = performance.now() - started;
    // It takes about 0.1 s; before the fix it took minutes (each piece's search for a space scanned back to the text's start).
    expect(took).toBeLessThan(5_000);
    // Beyond the tokenizer's budget the rest is counted by bytes: an upper bound, never an undercount.
    expect(tokens).toBeGreaterThan(text.length / 2);
    expect(tokens).toBeLessThanOrEqual(text.length + text.length / 2_048 + 1);
  });
});
