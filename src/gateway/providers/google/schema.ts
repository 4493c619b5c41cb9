// JSON Schema (as OpenAI tools and response formats carry it) → Gemini's Schema, a subset of OpenAPI 3.0: keeps
// the fields Gemini knows, turns `const` into an enum and a `["x", "null"]` type into `nullable`, drops the rest
// (`additionalProperties`, `$schema`, `strict`, …) that Gemini would refuse.
import type { Schema } from './wire.js';

const KEPT = new Set([
  'type',
  'format',
  'title',
  'description',
  'nullable',
  'enum',
  'maxItems',
  'minItems',
  'maxLength',
  'minLength',
  'pattern',
  'minimum',
  'maximum',
  'minProperties',
  'maxProperties',
  'required',
  'propertyOrdering',
  'default',
  'example',
]);

export function toGeminiSchema(schema: unknown): Schema {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return {};
  const source = schema as Record<string, unknown>;
  const result: Schema = {};
  for (const [key, value] of Object.entries(source)) {
    if (KEPT.has(key)) result[key] = value;
  }
  if (Array.isArray(source.type)) {
    const types = source.type.filter((type) => type !== 'null');
    if (types.length < source.type.length) result.nullable = true;
    result.type = types[0];
  }
  if (source.const !== undefined && result.enum === undefined) result.enum = [source.const];
  if (Array.isArray(result.enum)) result.enum = result.enum.map(String);
  if (source.items !== undefined) result.items = toGeminiSchema(source.items);
  const variants = source.anyOf ?? source.oneOf;
  if (Array.isArray(variants)) result.anyOf = variants.map(toGeminiSchema);
  if (typeof source.properties === 'object' && source.properties !== null) {
    result.properties = Object.fromEntries(Object.entries(source.properties).map(([name, value]) => [name, toGeminiSchema(value)]));
  }
  return result;
}
