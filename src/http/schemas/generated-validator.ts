// The proxy routes' bodies are checked by code that ajv generates from the route's Zod schema, which still documents
// the route (OpenAPI) and types its handler. Zod's parse walks every schema through the same shared functions, so in
// a server with fifty routes their property lookups are megamorphic, where ajv's function, generated for that one
// schema, takes a small fraction of the time (docs/benchmarks.md) and leaves the body as parsed instead of copying it. Its errors (instancePath, keyword, message) are turned into OpenAI errors by the error handler.
import { Ajv } from 'ajv';
import { z } from 'zod';

const ajv = new Ajv({ strict: false });

/** A route's `validatorCompiler`: its body schema is a Zod schema, as everywhere else. */
export function generatedValidator({ schema }: { schema: unknown }) {
  return ajv.compile(z.toJSONSchema(schema as z.ZodType, { io: 'input', target: 'draft-7' }));
}
