// JSON request bodies: parsed by Fastify's own parser (its prototype-poisoning checks, its errors), with the text
// kept on the request as `clientJson`, so that a proxied call whose body needs no change can forward the client's
// bytes instead of serialising the parsed body again. A body nested too deep, or holding text the database cannot
// store, is refused here (storable-text.ts).
import type { FastifyInstance } from 'fastify';
import { mayHoldUnstorableText, refusedJson } from './storable-text.js';

/**
 * Whether a text could hold a `__proto__` or `constructor` key, which Fastify's parser (secure-json-parse) refuses.
 * Its two regular expressions match only a text that spells one of the words out or has a \u escape; three substring
 * searches rule that out for most bodies at a fraction of what the expressions cost. A text without a \u escape
 * cannot hold a NUL or a lone surrogate either, so that check, too, is needed only on the slow path.
 */
function mayPoisonPrototypes(text: string): boolean {
  return text.includes('\\u') || text.includes('__proto__') || text.includes('constructor');
}

export function registerJsonBody(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.decorateRequest('clientJson', null);
  // Every route takes JSON only: without Fastify's text/plain parser a text body is a 415, not a string to validate.
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string; // parseAs: 'string'
    request.clientJson = text;
    if (!mayPoisonPrototypes(text)) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        // Fastify's parser says what is wrong, in its own error (empty body, BOM, syntax).
        parse(request, text, done);
        return;
      }
      const refused = refusedJson(parsed, false);
      if (refused) done(refused);
      else done(null, parsed);
      return;
    }
    parse(request, text, (error, parsed) => {
      const refused = error ? error : refusedJson(parsed, mayHoldUnstorableText(text));
      if (refused) done(refused);
      else done(null, parsed);
    });
  });
}
