// carriesUsage decides which chunks of an OpenAI-compatible stream are parsed: those whose "usage" is an object.
import { describe, expect, it } from 'vitest';
import { carriesUsage } from '../../src/gateway/providers/openai/stream.js';

describe('carriesUsage (which streamed chunks are parsed for usage)', () => {
  it('finds a usage object, with JSON whitespace around the colon', () => {
    expect(carriesUsage('{"choices":[],"usage":{"prompt_tokens":3}}')).toBe(true);
    expect(carriesUsage('{"choices":[],"usage" :\n\t{"prompt_tokens":3}}')).toBe(true);
    expect(carriesUsage('{"usage":null,"x":{"usage": {"prompt_tokens":3}}}')).toBe(true);
  });

  it('passes over null usage, other values, escaped keys and a key at the very end', () => {
    expect(carriesUsage('{"choices":[{"delta":{"content":"hi"}}],"usage":null}')).toBe(false);
    expect(carriesUsage('{"usage":"{"}')).toBe(false);
    expect(carriesUsage('{"choices":[{"delta":{"content":"\\"usage\\":{"}}]}')).toBe(false);
    expect(carriesUsage('{"choices":[]}')).toBe(false);
    expect(carriesUsage('{"usage":{"prompt_tokens":3},"choices":[],"usage":null}')).toBe(false);
    expect(carriesUsage('{"usage"')).toBe(false);
    expect(carriesUsage('{"usage":')).toBe(false);
  });
});
