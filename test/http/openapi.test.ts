import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/http/app.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';

interface Operation {
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
  summary?: string;
}

describe('the OpenAPI document', () => {
  let gateway: TestGateway;
  let app: FastifyInstance;
  let spec: { paths: Record<string, Record<string, Operation>> };
  const registered = new Set<string>();

  beforeAll(async () => {
    gateway = await startGateway();
    spec = (await (await fetch(`${gateway.api}/openapi.json`)).json()) as typeof spec;
    // The same app again, on the gateway's runtime, hearing of every route Fastify registers.
    app = await buildApp(gateway.shuttle.runtime, {
      onRoute: (route) => {
        for (const method of [route.method].flat()) registered.add(`${method} ${route.url}`);
      },
    });
    await app.ready();
  });

  afterAll(async () => {
    await app?.close();
    await gateway?.close();
  });

  it('describes every /api/v1 endpoint, with a summary and its request and response schemas', async () => {
    const routes = [...registered]
      .map((route) => route.split(' ') as [string, string])
      .map(([method, url]) => ({ method, url: url.replace(/(.)\/$/, '$1') }))
      .filter(({ url }) => url.startsWith('/api/v1/'));
    // Deliberately undocumented: the document itself, the PATCH/PUT that only exist to answer 409 (versions are
    // immutable), and the raw-path form of GET /models/{id} (an id's "/" unencoded).
    const undocumented = new Set([
      'GET /api/v1/openapi.json',
      'GET /api/v1/models/*',
      'PATCH /api/v1/flows/:flow/versions/:n',
      'PUT /api/v1/flows/:flow/versions/:n',
    ]);
    const documented = routes.filter(({ method, url }) => method !== 'HEAD' && !undocumented.has(`${method} ${url}`));
    expect(documented.length).toBeGreaterThan(15);
    expect(documented).toContainEqual({ method: 'GET', url: '/api/v1/flows/:flow/runs/:id' });
    for (const { method, url } of documented) {
      const path = url.replace(/:(\w+)/g, '{$1}');
      const operation = spec.paths[path]?.[method.toLowerCase()];
      expect(operation, `${method} ${url}`).toBeDefined();
      expect(operation?.summary, `${method} ${url}`).toBeTruthy();
      if (['POST', 'PATCH', 'PUT'].includes(method) && !/regenerate|logout-all|discover/.test(url)) {
        expect(operation?.requestBody?.content['application/json']?.schema, `${method} ${url} body`).toBeDefined();
      }
      const success = Object.entries(operation?.responses ?? {}).find(([status]) => status.startsWith('2'));
      if (!['DELETE'].includes(method) && !/logout-all/.test(url)) {
        expect(success?.[1].content?.['application/json']?.schema, `${method} ${url} response`).toBeDefined();
      }
    }
  });
});
