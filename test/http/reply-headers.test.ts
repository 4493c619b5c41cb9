// setServedHeaders writes the x-shuttle-* and x-ratelimit-* headers straight into the object in which Fastify keeps a
// reply's headers (found by its symbol's description), skipping reply.header()'s work per header. This pins what that
// relies on, so that a Fastify upgrade that keeps headers otherwise fails here (served headers then go through
// reply.header() one by one, as before).
import Fastify, { type FastifyReply } from 'fastify';
import { describe, expect, it } from 'vitest';
import { headersOf } from '../../src/http/proxy-request.js';

describe("a Fastify reply's headers", () => {
  it('are kept in an object under the symbol described as fastify.reply.headers, and sent from it', async () => {
    const app = Fastify();
    app.get('/', (_request, reply) => {
      const symbol = Object.getOwnPropertySymbols(reply).find((candidate) => candidate.description === 'fastify.reply.headers');
      const headers = symbol === undefined ? undefined : (reply as unknown as Record<symbol, Record<string, string>>)[symbol];
      if (headers === undefined) return reply.code(500).send('no header object');
      headers['x-shuttle-provider'] = 'openai';
      reply.header('x-other', '1');
      return reply.type('application/json').send('{}');
    });
    const response = await app.inject('/');
    await app.close();
    expect(response.statusCode).toBe(200);
    expect(response.headers).toMatchObject({ 'x-shuttle-provider': 'openai', 'x-other': '1' });
  });

  it('are written into that object by headersOf, or through reply.header() where a reply has none', async () => {
    const app = Fastify();
    app.get('/', (_request, reply) => {
      headersOf(reply)['x-shuttle-model'] = 'gpt-4o-mini';
      return reply.send('ok');
    });
    const response = await app.inject('/');
    await app.close();
    expect(response.headers['x-shuttle-model']).toBe('gpt-4o-mini');

    const written: Array<[string, string]> = [];
    const bare = { header: (name: string, value: string) => written.push([name, value]) } as unknown as FastifyReply;
    headersOf(bare)['x-shuttle-provider'] = 'openai';
    expect(written).toEqual([['x-shuttle-provider', 'openai']]);
  });
});
