// summariseCompletion reads usage and model off the ends of an answer, and declines (undefined, so the caller parses
// the whole answer) whenever the ends alone cannot say what JSON.parse would.
import { describe, expect, it } from 'vitest';
import { summariseCompletion } from '../../src/gateway/providers/openai/completion-summary.js';

const usage = { prompt_tokens: 3, completion_tokens: 5, total_tokens: 8 };
const choices = [{ index: 0, message: { role: 'assistant', content: 'a "model" and "usage": {} in text' }, finish_reason: 'stop' }];

describe('summariseCompletion', () => {
  it("reads OpenAI's answer from its ends, content naming the keys notwithstanding", () => {
    const text = JSON.stringify({ id: 'c', object: 'chat.completion', created: 1, model: 'm-1', choices, usage, system_fingerprint: 'fp' });
    expect(summariseCompletion(text)).toEqual({ usage, model: 'm-1' });
  });

  it('declines what only a whole parse can answer', () => {
    const nestedUsageLast = JSON.stringify({ model: 'm', usage, choices: [{ message: { usage } }] });
    const nestedModelFirst = JSON.stringify({ choices: [{ message: { model: 'x' } }], model: 'm', usage });
    const twoModels = '{"model":"a","usage":{},"model":"b"}';
    const escapedModel = '{"model":"a\\u0062","usage":{}}';
    const modelNotString = '{"model":null,"usage":{}}';
    const modelAfterUsage = JSON.stringify({ usage, model: 'm' });
    for (const text of [nestedUsageLast, nestedModelFirst, twoModels, escapedModel, modelNotString, modelAfterUsage, '<html>', '']) {
      expect(summariseCompletion(text)).toBeUndefined();
    }
  });
});
