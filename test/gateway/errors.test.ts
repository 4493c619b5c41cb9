import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateApiKey } from '../../src/auth/api-key.js';
import { type FakeUpstream, sendJson, startFakeOpenAi } from '../helpers/fake-openai.js';
import { postJson, startGateway, type TestGateway } from '../helpers/gateway.js';

const hello = { model: 'mock/echo', messages: [{ role: 'user', content: 'hi' }] };

async function expectError(response: Response, status: number, code: string): Promise<Record<string, unknown>> {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  expect(response.headers.get('content-type')).toContain('application/json');
  expect(response.headers.get('x-request-id')).toMatch(/^req_/);
  expect(text).not.toMatch(/\n\s+at /);
  const body = JSON.parse(text) as { error: Record<string, unknown> };
  expect(body.error).toMatchObject({ code });
  expect(typeof body.error.message).toBe('string');
  expect(typeof body.error.type).toBe('string');
  expect(body.error).toHaveProperty('param');
  return body.error;
}

/** A port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('errors in the OpenAI shape', () => {
  let upstream: FakeUpstream;
  let gateway: TestGateway;

  beforeAll(async () => {
    upstream = await startFakeOpenAi();
    gateway = await startGateway({
      env: {
        OPENAI_API_KEY: 'sk-test',
        OPENAI_BASE_URL: upstream.baseUrl,
        SHUTTLE_BODY_LIMIT_BYTES: '4096',
        SHUTTLE_UPSTREAM_TIMEOUT_MS: '300',
      },
    });
  });

  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  const post = (body: unknown, headers: Record<string, string> = {}) => postJson(gateway, '/chat/completions', body, headers);

  it('401 without an Authorization header', async () => {
    const response = await fetch(`${gateway.api}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(hello),
    });
    const error = await expectError(response, 401, 'missing_api_key');
    expect(error.type).toBe('authentication_error');
  });

  it('401 for a malformed Authorization header', async () => {
    await expectError(await post(hello, { authorization: `Basic ${gateway.masterKey}` }), 401, 'malformed_authorization');
    await expectError(await post(hello, { authorization: 'Bearer' }), 401, 'malformed_authorization');
  });

  it('401 for an unknown key, and for a mistyped one', async () => {
    await expectError(await post(hello, { authorization: `Bearer ${generateApiKey().secret}` }), 401, 'invalid_api_key');
    const mistyped = `${gateway.masterKey.slice(0, 10)}${gateway.masterKey[10] === 'a' ? 'b' : 'a'}${gateway.masterKey.slice(11)}`;
    await expectError(await post(hello, { authorization: `Bearer ${mistyped}` }), 401, 'invalid_api_key');
    await expectError(await post(hello, { authorization: 'Bearer sk-not-a-shuttle-key' }), 401, 'invalid_api_key');
  });

  it('puts a key the gateway has cached through the same checks as one it has not', async () => {
    const key = gateway.masterKey;
    expect((await post(hello, { authorization: `Bearer ${key}` })).status).toBe(200);
    expect((await post(hello, { authorization: `bearer ${key}` })).status).toBe(200);
    await expectError(await post(hello, { authorization: `Bearer ${key} ${key}` }), 401, 'malformed_authorization');
    const customer = await expectError(
      await post(hello, { authorization: `Bearer ${key}`, 'x-shuttle-customer-id': 'c'.repeat(257) }),
      400,
      'invalid_customer_id',
    );
    expect(customer.param).toBe('X-Shuttle-Customer-Id');
    const keys = await fetch(`${gateway.api}/keys`, { headers: { authorization: `Bearer ${key}` } });
    await expectError(keys, 403, 'permission_denied');
  });

  it('400 for a body with a __proto__ or constructor key, however it is spelt; such words elsewhere pass', async () => {
    const messages = '[{"role":"user","content":"hi"}]';
    for (const key of ['__proto__', '\\u005f_proto__', 'constructor', 'constructo\\u0072']) {
      const text = `{"model":"mock/echo","messages":${messages},"${key}":{"prototype":{"polluted":true}}}`;
      await expectError(await post(text), 400, 'invalid_json');
    }
    const words = { model: 'mock/echo', messages: [{ role: 'user', content: '__proto__ and constructor, \u0041' }] };
    expect((await post(words)).status).toBe(200);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('400 for a body that is not JSON', async () => {
    await expectError(await post('{"model": "mock/echo", '), 400, 'invalid_json');
    await expectError(await post(''), 400, 'invalid_json');
  });

  it('400 naming a missing or wrongly typed model or messages', async () => {
    expect(await expectError(await post({ messages: hello.messages }), 400, 'invalid_request')).toMatchObject({
      param: 'model',
      message: "Missing required parameter: 'model'.",
    });
    expect(await expectError(await post({ model: 'mock/echo' }), 400, 'invalid_request')).toMatchObject({ param: 'messages' });
    expect(await expectError(await post({ model: 42, messages: hello.messages }), 400, 'invalid_request')).toMatchObject({
      param: 'model',
      message: "Invalid value for 'model': must be string.",
    });
    expect(
      await expectError(await post({ model: 'mock/echo', messages: [{ role: 'user', content: 42 }] }), 400, 'invalid_request'),
    ).toMatchObject({ param: 'messages.0.content' });
    expect(await expectError(await post({ ...hello, temperature: 3 }), 400, 'invalid_request')).toMatchObject({ param: 'temperature' });
    expect(await expectError(await post({ model: 'mock/echo', messages: 'hi' }), 400, 'invalid_request')).toMatchObject({
      param: 'messages',
    });
    expect(await expectError(await post({ model: 'mock/echo', messages: [] }), 400, 'invalid_request')).toMatchObject({
      param: 'messages',
    });
    expect(
      await expectError(await post({ model: 'mock/echo', messages: [{ role: 'wizard', content: 'x' }] }), 400, 'invalid_request'),
    ).toMatchObject({
      param: 'messages.0.role',
    });
    expect(await expectError(await post({ ...hello, max_tokens: -1 }), 400, 'invalid_request')).toMatchObject({ param: 'max_tokens' });
  });

  it('413 for a body over the limit', async () => {
    await expectError(await post({ ...hello, messages: [{ role: 'user', content: 'x'.repeat(10_000) }] }), 413, 'payload_too_large');
  });

  it('404 model_not_found for a model no provider offers', async () => {
    const error = await expectError(await post({ ...hello, model: 'mock/nonexistent' }), 404, 'model_not_found');
    expect(error.message).toContain('nonexistent');
  });

  it('passes an upstream error on with its status and message, tagged with the provider', async () => {
    upstream.handle((_request, res) =>
      sendJson(res, 400, {
        error: { message: 'Invalid parameter: temperature', type: 'invalid_request_error', param: 'temperature', code: 'invalid_value' },
      }),
    );
    const error = await expectError(await post({ ...hello, model: 'openai/gpt-4o-mini' }), 400, 'invalid_value');
    expect(error).toMatchObject({ message: 'Invalid parameter: temperature', type: 'invalid_request_error', provider: 'openai' });

    upstream.handle((_request, res) => {
      res.writeHead(503, { 'content-type': 'text/plain' });
      res.end('upstream overloaded');
    });
    expect(await expectError(await post({ ...hello, model: 'openai/gpt-4o-mini' }), 503, 'upstream_error')).toMatchObject({
      message: 'upstream overloaded',
      provider: 'openai',
    });
  });

  it('504 when the upstream does not answer in time', async () => {
    upstream.handle(() => new Promise(() => undefined));
    const error = await expectError(await post({ ...hello, model: 'openai/gpt-4o-mini' }), 504, 'upstream_timeout');
    expect(error.provider).toBe('openai');
  });

  it('404 in the same shape for an unknown route', async () => {
    await expectError(await fetch(`${gateway.url}/api/v1/nothing-here`), 404, 'not_found');
  });
});

describe('errors from an unreachable or unconfigured provider', () => {
  let gateway: TestGateway;

  beforeAll(async () => {
    gateway = await startGateway({ env: { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: `http://127.0.0.1:${await closedPort()}/v1` } });
  });

  afterAll(async () => {
    await gateway?.close();
  });

  it('502 when the upstream refuses connections', async () => {
    const response = await postJson(gateway, '/chat/completions', { ...hello, model: 'openai/gpt-4o-mini' });
    const error = await expectError(response, 502, 'upstream_unreachable');
    expect(error.provider).toBe('openai');
  });

  it('404 model_not_found for a provider that is not configured', async () => {
    const response = await postJson(gateway, '/chat/completions', { ...hello, model: 'anthropic/claude-sonnet-4' });
    const error = await expectError(response, 404, 'model_not_found');
    expect(error.message).toContain('anthropic');
  });
});
