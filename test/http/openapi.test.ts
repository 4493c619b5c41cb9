import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from '../helpers/gateway.js';

interface Operation {
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
  summary?: string;
}

describe('the OpenAPI document', () => {
  let gateway: TestGateway;
  let spec: { paths: Record<string, Record<string, Operation>> };
  const routes: Array<{ method: string; url: string }> = [];

  beforeAll(async () => {
    gateway = await startGateway();
    spec = (await (await fetch(`${gateway.api}/openapi.json`)).json()) as typeof spec;
  });

  afterAll(async () => {
    await gateway?.close();
  });

  it('describes every /api/v1 endpoint, with a summary and its request and response schemas', async () => {
    // printRoutes draws a tree: each level is indented four more characters and continues its parent's path.
    const parents: string[] = [];
    for (const line of gateway.shuttle.app.printRoutes({ commonPrefix: false }).split('\n')) {
      const match = /^(.*?)[├└]── (\S+) \(([A-Z, ]+)\)$/.exec(line);
      if (!match?.[2] || !match[3]) continue;
      const depth = (match[1] ?? '').length / 4;
      const url = (parents[depth - 1] ?? '') + match[2];
      parents[depth] = url;
      if (url.startsWith('/api/v1/')) for (const method of match[3].split(', ')) routes.push({ method, url });
    }
    // Deliberately undocumented: the document itself, the PATCH/PUT that only exist to answer 409 (versions are
    // immutable), and the raw-path form of GET /models/{id} (an id's "/" unencoded).
    const undocumented = new Set([
      'GET /api/v1/openapi.json',
      'GET /api/v1/models*', // printRoutes draws /models/* as a child "*" of /models
      'PATCH /api/v1/flows/:flow/versions/:n',
      'PUT /api/v1/flows/:flow/versions/:n',
    ]);
    const documented = routes.filter(({ method, url }) => method !== 'HEAD' && !undocumented.has(`${method} ${url}`));
    expect(documented.length).toBeGreaterThan(15);
    for (const { method, url } of documented) {
      const path = url.replace(/:(\w+)/g, '{$1}');
      const operation = spec.paths[path]?.[method.toLowerCase()];
      expect(operation, `${method} ${url}`).toBeDefined();
      expect(operation?.summary, `${method} ${url}`).toBeTruthy();
      if (['POST', 'PATCH', 'PUT'].includes(method) && !/regenerate|logout-all/.test(url)) {
        expect(operation?.requestBody?.content['application/json']?.schema, `${method} ${url} body`).toBeDefined();
      }
      const success = Object.entries(operation?.responses ?? {}).find(([status]) => status.startsWith('2'));
      if (!['DELETE'].includes(method) && !/logout-all/.test(url)) {
        expect(success?.[1].content?.['application/json']?.schema, `${method} ${url} response`).toBeDefined();
      }
    }
  });
});
