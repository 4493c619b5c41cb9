// JSON Schema (as OpenAI tools and response formats carry it) → Gemini's Schema, a subset of OpenAPI 3.0. Gemini
// has no references, no null type and only string enums, so: `$ref`s are inlined from `$defs`/`definitions`,
// `anyOf [T, null]` and `["T", "null"]` become T with `nullable`, `null` leaves an enum for `nullable`, an enum of
// numbers or booleans is kept as its type with the values named in the description (so integers stay integers), and
// fields Gemini would refuse (`additionalProperties`, `$schema`, `strict`, most string formats) are dropped.
import { InvalidRequestError } from '../../../errors/shuttle-error.js';
import type { Schema } from './wire.js';

const KEPT = new Set([
  'type',
  'format',
  'title',
  'description',
  'nullable',
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

/** The string formats Gemini accepts; others (`uri`, `email`, `uuid`, …) are refused, so they are dropped. */
const STRING_FORMATS = new Set(['enum', 'date-time']);

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `param` names the request field the schema came from, for the 400 that a schema Gemini cannot take gets. */
export function toGeminiSchema(schema: unknown, param = 'response_format'): Schema {
  if (!isObject(schema)) return {};
  const definitions = { ...(isObject(schema.definitions) ? schema.definitions : {}), ...(isObject(schema.$defs) ? schema.$defs : {}) };
  return new SchemaConverter(schema, definitions, param).convert(schema, []);
}

class SchemaConverter {
  constructor(
    private readonly root: JsonObject,
    private readonly definitions: JsonObject,
    private readonly param: string,
  ) {}

  /** `resolving` holds the references being inlined above this node: one seen again is a recursive schema. */
  convert(node: unknown, resolving: readonly string[]): Schema {
    if (!isObject(node)) return {};
    if (typeof node.$ref === 'string') {
      const { $ref: ref, ...siblings } = node;
      if (resolving.includes(ref)) {
        throw new InvalidRequestError(`Gemini takes no recursive schemas, and "${ref}" refers to itself.`, this.param);
      }
      return { ...this.convert(this.resolve(ref), [...resolving, ref]), ...this.convert(siblings, resolving) };
    }
    const result: Schema = {};
    for (const [key, value] of Object.entries(node)) {
      if (KEPT.has(key)) result[key] = value;
    }
    if (Array.isArray(node.type)) {
      const types = node.type.filter((type) => type !== 'null');
      if (types.length < node.type.length) result.nullable = true;
      result.type = types[0];
    }
    if (Array.isArray(node.allOf)) {
      for (const part of node.allOf) Object.assign(result, this.convert(part, resolving));
    }
    const variants = node.anyOf ?? node.oneOf;
    if (Array.isArray(variants)) Object.assign(result, this.variants(variants, resolving));
    const values = Array.isArray(node.enum) ? node.enum : node.const !== undefined ? [node.const] : undefined;
    if (values) Object.assign(result, enumOf(values, result));
    if (result.type === 'string' && typeof result.format === 'string' && !STRING_FORMATS.has(result.format)) delete result.format;
    if (node.items !== undefined) result.items = this.convert(node.items, resolving);
    if (isObject(node.properties)) {
      result.properties = Object.fromEntries(
        Object.entries(node.properties).map(([name, value]) => [name, this.convert(value, resolving)]),
      );
    }
    return result;
  }

  /** `anyOf [T, null]` is T, nullable; other alternatives stay alternatives, without their null. */
  private variants(variants: readonly unknown[], resolving: readonly string[]): Schema {
    const rest = variants.filter((variant) => !(isObject(variant) && variant.type === 'null'));
    const nullable = rest.length < variants.length ? { nullable: true } : {};
    if (rest.length === 1) return { ...this.convert(rest[0], resolving), ...nullable };
    return { anyOf: rest.map((variant) => this.convert(variant, resolving)), ...nullable };
  }

  private resolve(ref: string): unknown {
    if (ref === '#') return this.root;
    const match = /^#\/(?:\$defs|definitions)\/(.+)$/.exec(ref);
    const name = match?.[1]?.replace(/~1/g, '/').replace(/~0/g, '~');
    const target = name === undefined ? undefined : this.definitions[name];
    if (target === undefined) {
      throw new InvalidRequestError(`The schema's "${ref}" names no definition in its $defs.`, this.param);
    }
    return target;
  }
}

/** Gemini enums are strings: `null` becomes `nullable`, and numbers or booleans keep their type, named in the text. */
function enumOf(values: readonly unknown[], schema: Schema): Schema {
  const present = values.filter((value) => value !== null);
  const nullable = present.length < values.length ? { nullable: true } : {};
  if (present.every((value) => typeof value === 'string')) {
    return { ...(schema.type === undefined ? { type: 'string' } : {}), enum: present, ...nullable };
  }
  const allowed = `One of: ${present.map((value) => JSON.stringify(value)).join(', ')}.`;
  const description = typeof schema.description === 'string' && schema.description !== '' ? `${schema.description} ${allowed}` : allowed;
  const type = schema.type ?? typeOfValues(present);
  return { ...(type === undefined ? {} : { type }), description, ...nullable };
}

function typeOfValues(values: readonly unknown[]): string | undefined {
  if (values.every((value) => Number.isInteger(value))) return 'integer';
  if (values.every((value) => typeof value === 'number')) return 'number';
  if (values.every((value) => typeof value === 'boolean')) return 'boolean';
  return undefined;
}
