// JSON request bodies: parsed by Fastify's own parser (its prototype-poisoning checks, its errors), with the text
// kept on the request as `clientJson`, so that a proxied call whose body needs no change can forward the client's
// bytes instead of serialising the parsed body again.
import type { FastifyInstance } from 'fastify';

export function registerJsonBody(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.decorateRequest('clientJson', null);
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string; // parseAs: 'string'
    request.clientJson = text;
    parse(request, text, done);
  });
}
