// Versions created at the same moment each get their own number, and each its audit entry.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, login } from '../helpers/api.js';
import { DIALECTS } from '../helpers/databases.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';

describe.each(DIALECTS)('concurrent versions on %s', (dialect) => {
  let gateway: TestGateway;
  let token: string;

  beforeAll(async () => {
    gateway = await startGateway({ dialect });
    token = await login(gateway);
  });

  afterAll(async () => {
    await gateway?.close();
  });

  it('eight versions pushed at once are numbered 1 to 8, each audit-logged once', async () => {
    const api = (method: string, path: string, body?: unknown) => call(gateway, method, path, { auth: token, body });
    expect((await api('POST', '/flows', { title: 'Busy', slug: 'busy' })).status).toBe(201);
    const created = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        api('POST', '/flows/busy/versions', { templates: { main: { template: `Take ${i}`, llm: 'openai/gpt-4o-mini' } } }),
      ),
    );
    expect(created.map((r) => r.status)).toEqual(Array(8).fill(201));
    expect(created.map((r) => r.body.version).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const audit = await api('GET', '/audit-log?action=flow.version_created&limit=100');
    expect(audit.body.data.map((e: { details: { version: number } }) => e.details.version).sort((a: number, b: number) => a - b)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8,
    ]);
  });
});
