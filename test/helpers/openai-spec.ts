// Validation against the schemas of OpenAI's published OpenAPI spec (extracted into test/fixtures/openai-openapi/).
// The spec is OpenAPI 3.1, i.e. JSON Schema 2020-12: its components are one schema document whose
// `#/components/schemas/…` references resolve within it. A few chat schemas still say `nullable: true` (OpenAPI 3.0),
// which is read as OpenAPI 3.0 meant it: the schema, or null.
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { expect } from 'vitest';
import extract from '../fixtures/openai-openapi/schemas.json' with { type: 'json' };

type Schema = Record<string, unknown>;

export const specSource: string = extract.source;
const schemas = extract.components.schemas as Record<string, Schema>;

const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
/** `{…, nullable: true}` → `{anyOf: [{…}, {type: 'null'}]}`, everywhere in a schema. */
function withNullable(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withNullable);
  if (node === null || typeof node !== 'object') return node;
  const { nullable, ...rest } = node as Schema;
  const converted = Object.fromEntries(Object.entries(rest).map(([key, value]) => [key, withNullable(value)]));
  return nullable === true ? { anyOf: [converted, { type: 'null' }] } : converted;
}

ajv.addSchema({ $id: 'openai', components: withNullable(extract.components) });

export function validatorOf(name: string): ValidateFunction {
  const validate = ajv.getSchema(`openai#/components/schemas/${name}`);
  if (validate === undefined) throw new Error(`no schema ${name}`);
  return validate;
}

/** Each ResponseStreamEvent variant's schema name, by the event type it declares. */
export const responseEventSchemas = new Map<string, string>();
for (const variant of (schemas.ResponseStreamEvent as { anyOf: Array<{ $ref: string }> }).anyOf) {
  const name = variant.$ref.split('/').at(-1) ?? '';
  const type = (schemas[name]?.properties as { type?: { enum?: string[] } } | undefined)?.type?.enum?.[0];
  if (type !== undefined) responseEventSchemas.set(type, name);
}

/** Fails the test with every schema error when `value` does not match the named schema. */
export function expectMatchesSpec(name: string, value: unknown): void {
  const validate = validatorOf(name);
  const valid = validate(value);
  expect(valid ? [] : ajv.errorsText(validate.errors, { separator: '\n' }).split('\n'), `${name}: ${JSON.stringify(value)}`).toEqual([]);
}
