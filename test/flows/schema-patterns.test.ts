// Tenant JSON Schemas' regular expressions are bounded when they compile (no safe regex engine is at hand): a pattern
// that could backtrack exponentially is a 400 wherever a schema is given — tool parameters, a version's
// responseSchema, a run's responseSchema — while ordinary patterns keep working.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, login } from '../helpers/api.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';

describe('schema patterns', () => {
  let gateway: TestGateway;
  let token: string;

  beforeAll(async () => {
    gateway = await startGateway();
    token = await login(gateway);
  });

  afterAll(async () => {
    await gateway?.close();
  });

  const admin = (method: string, path: string, body?: unknown) => call(gateway, method, path, { auth: token, body });
  const withPattern = (pattern: string) => ({ type: 'object', properties: { code: { type: 'string', pattern } }, required: ['code'] });

  it('refuses nested quantifiers, alternatives repeated, backreferences and long patterns in tool parameters', async () => {
    for (const pattern of ['^(a+)+$', '(a|ab)*c', '(x)\\1', 'a'.repeat(513)]) {
      const refused = await admin('POST', '/tools', {
        name: 'evil',
        type: 'http',
        url: 'http://127.0.0.1:9/x',
        parameters: withPattern(pattern),
      });
      expect(refused.status, pattern).toBe(400);
      expect(refused.body.error.param).toBe('parameters');
      expect(refused.body.error.message).toContain('is refused');
    }
    const evilKeys = { type: 'object', patternProperties: { '^(\\w+\\s?)*$': { type: 'string' } } };
    expect((await admin('POST', '/tools', { name: 'evil', type: 'http', url: 'http://127.0.0.1:9/x', parameters: evilKeys })).status).toBe(
      400,
    );
  });

  it('keeps ordinary patterns working: arguments that do not match are refused', async () => {
    const created = await admin('POST', '/tools', {
      name: 'zip',
      type: 'http',
      url: 'http://127.0.0.1:9/zip/{code}',
      parameters: withPattern('^\\d{5}(-\\d{4})?$'),
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const mismatch = await admin('POST', '/tools/zip/test', { arguments: { code: 'abcde' } });
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.error.message).toContain('must match pattern');
  });

  it('refuses an unsafe pattern in a version’s and in a run’s responseSchema', async () => {
    await admin('POST', '/flows', { title: 'patterned', slug: 'patterned' });
    const version = await admin('POST', '/flows/patterned/versions', {
      templates: { main: { userTemplate: 'hi', llm: 'mock/echo', responseSchema: withPattern('^([a-z]+)*$') } },
    });
    expect(version.status).toBe(400);
    expect(version.body.error.param).toBe('templates.main.responseSchema');

    const safe = await admin('POST', '/flows/patterned/versions', {
      templates: { main: { userTemplate: '{"code": "ab"}', llm: 'mock/echo' } },
    });
    expect(safe.status).toBe(201);
    const run = await admin('POST', '/flows/patterned/runs', { version: 1, parameters: {}, responseSchema: withPattern('(a*)*b') });
    expect(run.status).toBe(400);
    expect(run.body.error.message).toContain('is refused');
    const fine = await admin('POST', '/flows/patterned/runs', { version: 1, parameters: {}, responseSchema: withPattern('^[a-z]+$') });
    expect(fine.status, JSON.stringify(fine.body)).toBe(200);
    expect(fine.body.response).toEqual({ code: 'ab' });
  });
});
