// Structured output: the model is asked for JSON matching the template's schema, and the answer is parsed and
// validated here (ajv); what is wrong is described so that a retry can be told.
import { Ajv, type ValidateFunction } from 'ajv';
import { InvalidRequestError } from '../errors/shuttle-error.js';
import { boundedRegExp } from './schema-patterns.js';

// Patterns run on the process's only thread: bounded when the schema compiles (schema-patterns.ts).
const ajv = new Ajv({ allErrors: true, strict: false, code: { regExp: boundedRegExp } });
const compiled = new WeakMap<object, ValidateFunction>();

export function compileSchema(schema: Record<string, unknown>): ValidateFunction {
  let validate = compiled.get(schema);
  if (!validate) {
    try {
      validate = ajv.compile(schema);
    } catch (error) {
      throw new InvalidRequestError(`responseSchema is not a valid JSON Schema: ${(error as Error).message}`, 'responseSchema');
    }
    compiled.set(schema, validate);
  }
  return validate;
}

export type Validation = { valid: true; value: unknown } | { valid: false; problem: string };

/** Parses the answer (tolerating a ```json fence around it) and validates it against the schema. */
export function validateAnswer(schema: Record<string, unknown>, text: string | null): Validation {
  const body = (text ?? '').trim().replace(/^```(?:json)?\s*([\s\S]*?)\s*```$/, '$1');
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return { valid: false, problem: 'the answer is not JSON' };
  }
  const validate = compileSchema(schema);
  if (validate(value)) return { valid: true, value };
  const problem = (validate.errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message ?? 'is invalid'}`).join('; ');
  return { valid: false, problem };
}

/** The `response_format` that asks OpenAI-compatible providers for JSON matching the schema. */
export function responseFormat(schema: Record<string, unknown>) {
  return { type: 'json_schema' as const, json_schema: { name: 'response', schema } };
}
