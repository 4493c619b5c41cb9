// indexOfQuoted finds "name" in JSON text exactly where String.prototype.indexOf finds it, at every starting point.
import { describe, expect, it } from 'vitest';
import { indexOfQuoted } from '../../src/gateway/providers/openai/key-search.js';

const texts = [
  '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"which model?"}],"model":"x"}',
  'model"model" "model"',
  '"model"',
  '{"content":"a \\"model\\" here","usage":{"model":1}}',
  'no such key at all, only model and models"',
  '',
];

describe('indexOfQuoted', () => {
  it('agrees with indexOf of the quoted name from every position', () => {
    for (const text of texts) {
      for (const name of ['model', 'usage'] as const) {
        for (let from = 0; from <= text.length + 1; from++) {
          expect(indexOfQuoted(text, `${name}"`, from), `${name} in ${text} from ${from}`).toBe(text.indexOf(`"${name}"`, from));
        }
      }
    }
  });
});
