// A client's mistake is a 4xx in the OpenAI error shape, never a 500: text the database cannot store (NUL, unpaired
// surrogates) in bodies, paths and query strings; JSON nested without end; cursors this API never returned; a
// customer header sent twice; bodies that are not JSON; credentials that are not what the route takes.
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveKey } from '../../src/auth/secret-keys.js';
import { call, login } from '../helpers/api.js';
import { DIALECTS } from '../helpers/databases.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';

const nested = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;

describe.each(DIALECTS)('client mistakes are 4xx (%s)', (dialect) => {
  let gateway: TestGateway;
  let owner: string;

  beforeAll(async () => {
    gateway = await startGateway({ dialect });
    owner = await login(gateway);
    await call(gateway, 'POST', '/flows', { auth: owner, body: { title: 'Support reply' } });
    const main = { template: 'You answer for [[company]].', userTemplate: '[[question]]', llm: 'mock/echo' };
    await call(gateway, 'POST', '/flows/support-reply/versions', { auth: owner, body: { templates: { main } } });
    await call(gateway, 'POST', '/flows/support-reply/versions/1/environments', { auth: owner, body: { environment: 'production' } });
  });

  afterAll(async () => {
    await gateway?.close();
  });

  /** Sends a JSON text as it is, escapes and all. */
  const send = (method: string, path: string, text: string, auth = owner, contentType = 'application/json') =>
    fetch(`${gateway.api}${path}`, { method, headers: { authorization: `Bearer ${auth}`, 'content-type': contentType }, body: text });

  async function expectRefused(response: Response, status: number, code: string): Promise<Record<string, unknown>> {
    const body = (await response.json()) as { error: Record<string, unknown> };
    expect({ status: response.status, code: body.error.code }).toEqual({ status, code });
    expect(body.error.type).toBe('invalid_request_error');
    return body.error;
  }

  it('refuses a NUL or an unpaired surrogate anywhere in a JSON body with 400, naming the field', async () => {
    for (const sequence of ['\\u0000', '\\ud800', '\\uDC00']) {
      const customer = await send('POST', '/customers', `{"externalId":"nul-1","name":"Acme${sequence}Corp"}`);
      expect((await expectRefused(customer, 400, 'invalid_characters')).param).toBe('name');
      const metadataKey = await send('POST', '/customers', `{"externalId":"nul-1","metadata":{"a${sequence}":1}}`);
      expect((await expectRefused(metadataKey, 400, 'invalid_characters')).param).toBe(`metadata.a${JSON.parse(`"${sequence}"`)}`);
      await expectRefused(await send('POST', '/flows', `{"title":"Flow","description":"x${sequence}"}`), 400, 'invalid_characters');
      await expectRefused(
        await send('POST', '/flows/support-reply/runs', `{"parameters":{"company":"Acme","question":"a${sequence}"}}`, gateway.masterKey),
        400,
        'invalid_characters',
      );
      const chat = await send(
        'POST',
        '/chat/completions',
        `{"model":"mock/echo${sequence}","messages":[{"role":"user","content":"hi"}]}`,
        gateway.masterKey,
      );
      expect((await expectRefused(chat, 400, 'invalid_characters')).param).toBe('model');
    }
    // Nothing was stored, and a well-formed pair or an escaped backslash (the text \u0000) is no NUL.
    expect((await call(gateway, 'GET', '/customers/nul-1', { auth: owner })).status).toBe(404);
    const fine = await send('POST', '/customers', '{"externalId":"nul-2","name":"\\\\u0000 \\ud83d\\ude80"}');
    expect(fine.status).toBe(201);
    expect(((await fine.json()) as { name: string }).name).toBe('\\u0000 🚀');
  });

  it('refuses a NUL in a path or a query string, or a path that is no UTF-8, with 400', async () => {
    await expectRefused(
      await fetch(`${gateway.api}/customers/%00`, { headers: { authorization: `Bearer ${owner}` } }),
      400,
      'invalid_characters',
    );
    await expectRefused(
      await fetch(`${gateway.api}/usage?customer=%00`, { headers: { authorization: `Bearer ${owner}` } }),
      400,
      'invalid_characters',
    );
    await expectRefused(
      await fetch(`${gateway.api}/flows/a%00b/runs`, { headers: { authorization: `Bearer ${owner}` } }),
      400,
      'invalid_characters',
    );
    // A lone surrogate, percent-encoded, is no UTF-8: Fastify cannot decode the path, and says so in the same shape.
    const surrogate = await fetch(`${gateway.api}/customers/%ED%A0%80`, { headers: { authorization: `Bearer ${owner}` } });
    expect(surrogate.headers.get('x-content-type-options')).toBe('nosniff');
    await expectRefused(surrogate, 400, 'invalid_request');
  });

  it('refuses JSON nested deeper than 64 levels with 400, wherever it is, and takes 64', async () => {
    const deep = nested(100_000);
    await expectRefused(await send('POST', '/customers', `{"externalId":"deep","metadata":{"a":${deep}}}`), 400, 'json_too_deep');
    await expectRefused(
      await send('POST', '/flows/support-reply/runs', `{"parameters":{"company":${deep}}}`, gateway.masterKey),
      400,
      'json_too_deep',
    );
    await expectRefused(
      await send('PUT', '/routing-rules/deep', `{"targets":[{"provider":"mock","model":"echo","overrides":{"metadata":${deep}}}]}`),
      400,
      'json_too_deep',
    );
    await expectRefused(await send('POST', '/chat/completions', deep, gateway.masterKey), 400, 'json_too_deep');
    expect((await call(gateway, 'GET', '/customers/deep', { auth: owner })).status).toBe(404);
    // The body is the first level, metadata the second: 62 more levels of arrays make 64.
    const deepest = await send('POST', '/customers', `{"externalId":"deep-ok","metadata":{"a":${nested(62)}}}`);
    expect(deepest.status).toBe(201);
    await expectRefused(await send('POST', '/customers', `{"externalId":"deep-no","metadata":{"a":${nested(63)}}}`), 400, 'json_too_deep');
  });

  it('refuses a cursor this API never returned with 400: garbage, huge or negative', async () => {
    for (const cursor of ['garbage', '99999999999999999999999:aud_x', '-5:aud_x', '1e30:aud_x', '5:', '5:a%00', `5:${'a'.repeat(100)}`]) {
      const audit = await call(gateway, 'GET', `/audit-log?cursor=${encodeURIComponent(cursor)}`, { auth: owner });
      expect(audit.status, cursor).toBe(400);
      const runs = await call(gateway, 'GET', `/flows/support-reply/runs?cursor=${encodeURIComponent(cursor)}`, { auth: owner });
      expect(runs.status, cursor).toBe(400);
    }
    for (const cursor of ['99999999999999999999999', '-1', '1e3', 'x']) {
      expect((await call(gateway, 'GET', `/customers?cursor=${cursor}`, { auth: owner })).status, cursor).toBe(400);
    }
    expect((await call(gateway, 'GET', '/customers?cursor=999999999999999', { auth: owner })).body.data).toEqual([]);
  });

  it('refuses an X-Shuttle-Customer-Id header sent twice with 400, and takes one whose value has a comma', async () => {
    const twice = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      // fetch joins repeated headers itself; node:http sends them as given.
      import('node:http').then(({ request }) => {
        const req = request(`${gateway.api}/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${gateway.masterKey}`, 'content-type': 'application/json' },
        });
        req.setHeader('x-shuttle-customer-id', ['alice', 'bob']);
        req.on('response', (res) => {
          let body = '';
          res.on('data', (chunk) => (body += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on('error', reject);
        req.end(JSON.stringify({ model: 'mock/echo', messages: [{ role: 'user', content: 'hi' }] }));
      }, reject);
    });
    expect(twice.status).toBe(400);
    expect(JSON.parse(twice.body).error).toMatchObject({ param: 'X-Shuttle-Customer-Id', type: 'invalid_request_error' });
    const once = await call(gateway, 'POST', '/chat/completions', {
      auth: gateway.masterKey,
      headers: { 'x-shuttle-customer-id': 'alice, bob' },
      body: { model: 'mock/echo', messages: [{ role: 'user', content: 'hi' }] },
    });
    expect(once.status).toBe(200);
  });

  it('answers a body that is not JSON with 415, and invalid or empty JSON with 400', async () => {
    await expectRefused(await send('POST', '/customers', 'externalId=x', owner, 'text/plain'), 415, 'unsupported_media_type');
    await expectRefused(await send('POST', '/chat/completions', '{}', gateway.masterKey, 'text/plain'), 415, 'unsupported_media_type');
    await expectRefused(await send('POST', '/customers', 'a=1', owner, 'application/x-www-form-urlencoded'), 415, 'unsupported_media_type');
    await expectRefused(await send('POST', '/customers', '{"externalId":'), 400, 'invalid_json');
    await expectRefused(await send('POST', '/customers', ''), 400, 'invalid_json');
    for (const text of ['[]', '"x"', '1', 'null']) expect((await send('POST', '/customers', text)).status, text).toBe(400);
  });

  it('refuses out-of-range numbers and wrongly typed overrides with 400 instead of storing them', async () => {
    const huge = Number.MAX_SAFE_INTEGER;
    expect((await call(gateway, 'GET', `/flows/support-reply/versions/${huge}`, { auth: owner })).status).toBe(400);
    expect((await call(gateway, 'GET', `/flows/support-reply/runs?version=${huge}`, { auth: owner })).status).toBe(400);
    const run = await call(gateway, 'POST', '/flows/support-reply/runs', {
      auth: gateway.masterKey,
      body: { parameters: {}, version: huge },
    });
    expect(run.status).toBe(400);
    expect(run.body.error.param).toBe('version');
    for (const overrides of [{ n: 'x' }, { max_tokens: 1e308 }, { temperature: 'hot' }, { top_p: 5 }]) {
      const rule = await call(gateway, 'PUT', '/routing-rules/odd', {
        auth: owner,
        body: { targets: [{ provider: 'mock', model: 'echo', overrides }] },
      });
      expect(rule.status, JSON.stringify(overrides)).toBe(400);
      expect(rule.body.error.param).toMatch(/^targets\.0\.overrides\./);
    }
    const fine = { targets: [{ provider: 'mock', model: 'echo', overrides: { temperature: 0.2, seed: 7 } }] };
    expect((await call(gateway, 'PUT', '/routing-rules/odd', { auth: owner, body: fine })).status).toBe(201);
  });

  it('answers a call through a connection that lacks its credentials with 502, not 500', async () => {
    const created = await call(gateway, 'POST', '/providers', {
      auth: owner,
      body: { name: 'aws', type: 'bedrock', options: { region: 'us-east-1' } },
    });
    expect(created.status).toBe(201);
    const answer = await call(gateway, 'POST', '/chat/completions', {
      auth: gateway.masterKey,
      body: { model: 'aws/anthropic.claude-3-haiku', messages: [{ role: 'user', content: 'hi' }] },
    });
    expect(answer.status).toBe(502);
    expect(answer.body.error.code).toBe('provider_not_configured');
  });

  it('answers headers too large with 431 in the OpenAI shape, and finds a customer by its longest id', async () => {
    const tooLarge = await fetch(`${gateway.api}/models`, {
      headers: { authorization: `Bearer ${gateway.masterKey}`, 'x-pad': 'x'.repeat(20_000) },
    });
    await expectRefused(tooLarge, 431, 'invalid_request');
    const longest = 'é'.repeat(256);
    expect((await call(gateway, 'POST', '/customers', { auth: owner, body: { externalId: longest } })).status).toBe(201);
    const found = await call(gateway, 'GET', `/customers/${encodeURIComponent(longest)}`, { auth: owner });
    expect(found.status).toBe(200);
    expect(found.body.externalId).toBe(longest);
  });

  it('answers a garbage bearer on a dashboard route with 401, and a real API key with 403', async () => {
    const garbage = await call(gateway, 'GET', '/keys', { auth: 'not-a-key-at-all' });
    expect(garbage.status).toBe(401);
    expect(garbage.body.error.type).toBe('authentication_error');
    expect((await call(gateway, 'GET', '/keys', { auth: 'ps_live_0000000000000000000000000000000000000000' })).status).toBe(401);
    expect((await call(gateway, 'GET', '/keys', { auth: gateway.masterKey })).status).toBe(403);
    expect((await call(gateway, 'GET', '/auth/me', { auth: 'garbage' })).status).toBe(401);
  });

  it('refuses a session token without an expiry, even one signed with the right key', async () => {
    const key = deriveKey('test-secret-test-secret-test-secret-0123456789', 'session-tokens');
    const claims = { ver: 0 };
    const sign = (withExpiry: boolean) => {
      const jwt = new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(gateway.userId)
        .setIssuer('shuttle')
        .setAudience('shuttle-dashboard')
        .setIssuedAt();
      return (withExpiry ? jwt.setExpirationTime('1h') : jwt).sign(key);
    };
    // The same token with an expiry is accepted: the test would pass for the wrong reason otherwise.
    expect((await call(gateway, 'GET', '/auth/me', { auth: await sign(true) })).status).toBe(200);
    const forever = await call(gateway, 'GET', '/auth/me', { auth: await sign(false) });
    expect(forever.status).toBe(401);
    expect(forever.body.error.code).toBe('invalid_token');
  });
});
