import { describe, expect, it } from 'vitest';
import { ShuttleError } from '../../src/errors/shuttle-error.js';
import { toGeminiSchema } from '../../src/gateway/providers/google/schema.js';

describe("JSON Schema → Gemini's Schema", () => {
  it('inlines $ref from $defs (and draft-07 definitions), keeping the sibling description', () => {
    const schema = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: {
        home: { $ref: '#/$defs/Place', description: 'Where I live' },
        work: { $ref: '#/definitions/Place' },
        visits: { type: 'array', items: { $ref: '#/$defs/Place' } },
      },
      required: ['home'],
      additionalProperties: false,
      $defs: { Place: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false } },
      definitions: { Place: { type: 'object', properties: { city: { type: 'string' } } } },
    };
    const place = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };
    expect(toGeminiSchema(schema)).toEqual({
      type: 'object',
      properties: { home: { ...place, description: 'Where I live' }, work: place, visits: { type: 'array', items: place } },
      required: ['home'],
    });
  });

  it('refuses a recursive schema, and a $ref to nothing, with a 400 naming the field', () => {
    const tree = { type: 'object', properties: { children: { type: 'array', items: { $ref: '#' } } } };
    expect(() => toGeminiSchema(tree, 'tools')).toThrowError(expect.objectContaining({ status: 400, param: 'tools' }));
    expect(() => toGeminiSchema({ $ref: '#/$defs/Missing' })).toThrowError(ShuttleError);
  });

  it('turns anyOf [T, null] and ["T", "null"] into T with nullable, keeping other alternatives', () => {
    expect(
      toGeminiSchema({
        type: 'object',
        properties: {
          note: { anyOf: [{ type: 'string' }, { type: 'null' }], description: 'optional' },
          count: { type: ['integer', 'null'] },
          either: { anyOf: [{ type: 'string' }, { type: 'number' }, { type: 'null' }] },
        },
      }),
    ).toEqual({
      type: 'object',
      properties: {
        note: { type: 'string', nullable: true, description: 'optional' },
        count: { type: 'integer', nullable: true },
        either: { anyOf: [{ type: 'string' }, { type: 'number' }], nullable: true },
      },
    });
  });

  it('keeps null out of enum values, keeps integer enums integers, and turns const into an enum', () => {
    expect(toGeminiSchema({ type: ['string', 'null'], enum: ['a', 'b', null] })).toEqual({
      type: 'string',
      enum: ['a', 'b'],
      nullable: true,
    });
    // Gemini enums hold strings only: an integer enum keeps its type, its values named in the description.
    expect(toGeminiSchema({ type: 'integer', enum: [1, 2, 3], description: 'Stars.' })).toEqual({
      type: 'integer',
      description: 'Stars. One of: 1, 2, 3.',
    });
    expect(toGeminiSchema({ enum: [4, 6, 8] })).toEqual({ type: 'integer', description: 'One of: 4, 6, 8.' });
    expect(toGeminiSchema({ const: 'fixed' })).toEqual({ type: 'string', enum: ['fixed'] });
  });

  it('drops string formats Gemini refuses and keeps date-time', () => {
    expect(toGeminiSchema({ type: 'string', format: 'uri' })).toEqual({ type: 'string' });
    expect(toGeminiSchema({ type: 'string', format: 'date-time' })).toEqual({ type: 'string', format: 'date-time' });
    expect(toGeminiSchema({ type: 'integer', format: 'int64' })).toEqual({ type: 'integer', format: 'int64' });
  });
});
