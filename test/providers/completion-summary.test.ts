// summariseCompletion reads usage and model off the ends of an answer, always what JSON.parse would read there, and
// declines (undefined, so the caller parses the whole answer) whenever the ends alone cannot say.
import { describe, expect, it } from 'vitest';
import { summariseCompletion } from '../../src/gateway/providers/openai/completion-summary.js';

const usage = { prompt_tokens: 3, completion_tokens: 5, total_tokens: 8 };
const decoy = { prompt_tokens: 900 };
const choices = [{ index: 0, message: { role: 'assistant', content: 'a "model" and "usage": {} in text' }, finish_reason: 'stop' }];

function asParsed(text: string) {
  const { usage, model } = JSON.parse(text) as { usage?: unknown; model?: unknown };
  return { usage, model };
}

describe('summariseCompletion', () => {
  it('reads what JSON.parse reads: the answer’s own keys, the last of duplicates', () => {
    const texts = [
      JSON.stringify({ id: 'c', object: 'chat.completion', created: 1, model: 'm-1', choices, usage, system_fingerprint: 'fp' }),
      JSON.stringify({ model: 'm-2', usage, choices: [{ message: { usage: decoy, model: 'x' } }] }),
      `{"model":"a","usage":${JSON.stringify(decoy)},"model":"m-3","usage":${JSON.stringify(usage)}}`,
      ` { "id" : "c" , "model" : "m-4" , "usage" : ${JSON.stringify(usage)} }\n`,
    ];
    for (const text of texts) {
      expect(summariseCompletion(text)).toEqual(asParsed(text));
      expect(summariseCompletion(text)?.usage).toEqual(usage);
    }
  });

  it('declines what only a whole parse can answer', () => {
    const declined = [
      JSON.stringify({ choices: [{ message: { model: 'x' } }], model: 'm', usage }), // the first "model" is nested
      JSON.stringify({ model: 'm', choices: [{ message: { model: 'x', usage: decoy } }], usage }), // so is a second
      '{"model":"a\\u0062","usage":{}}',
      '{"model":null,"usage":{}}',
      JSON.stringify({ usage, model: 'm' }),
      JSON.stringify({ model: 'm', choices }),
      '<html>',
      '',
    ];
    for (const text of declined) expect(summariseCompletion(text)).toBeUndefined();
  });
});
