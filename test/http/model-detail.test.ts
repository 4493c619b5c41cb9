import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provisionTenant } from '../../src/auth/provisioning.js';
import { call, login } from '../helpers/api.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';

describe('GET /models/{id}', () => {
  let gateway: TestGateway;
  let otherKey: string;

  beforeAll(async () => {
    gateway = await startGateway();
    const token = await login(gateway);
    const connection = await call(gateway, 'POST', '/providers', {
      auth: token,
      body: { name: 'acme-private', type: 'openai', baseUrl: 'http://127.0.0.1:9/v1', apiKey: 'sk-acme', environment: 'production' },
    });
    expect(connection.status, JSON.stringify(connection.body)).toBe(201);
    const rule = await call(gateway, 'PUT', '/routing-rules/acme-secret', {
      auth: token,
      body: { environment: 'production', targets: [{ provider: 'acme-private', model: 'gpt-4o-mini' }] },
    });
    expect(rule.status, JSON.stringify(rule.body)).toBe(201);
    const other = await provisionTenant(gateway.shuttle.runtime.db, {
      tenantName: 'Other',
      email: 'other@x.test',
      password: 'other password',
    });
    otherKey = other.masterKey;
  });

  afterAll(async () => {
    await gateway?.close();
  });

  it('answers one model in OpenAI’s format, its id’s "/" sent encoded or raw', async () => {
    const encoded = await call(gateway, 'GET', '/models/mock%2Fecho', { auth: gateway.masterKey });
    const raw = await call(gateway, 'GET', '/models/mock/echo', { auth: gateway.masterKey });
    expect(encoded.status).toBe(200);
    expect(encoded.body).toEqual({ id: 'mock/echo', object: 'model', created: 0, owned_by: 'mock' });
    expect(raw.body).toEqual(encoded.body);
    // openai-node encodes the id in the path.
    const client = new OpenAI({ baseURL: gateway.api, apiKey: gateway.masterKey, maxRetries: 0 });
    expect(await client.models.retrieve('mock/echo')).toMatchObject({ id: 'mock/echo', object: 'model' });
    expect(await client.models.retrieve('acme-secret')).toMatchObject({ id: 'acme-secret', owned_by: 'shuttle' });
  });

  it('answers 404 model_not_found in the OpenAI error shape for a model the key cannot name', async () => {
    const unknown = await call(gateway, 'GET', '/models/nobody%2Fnothing', { auth: gateway.masterKey });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({
      error: { message: expect.stringContaining('nobody/nothing'), type: 'not_found_error', code: 'model_not_found', param: null },
    });
    expect((await call(gateway, 'GET', '/models/mock/echo', {})).status).toBe(401);
  });

  it("does not show another tenant's routing aliases or connections", async () => {
    expect((await call(gateway, 'GET', '/models/acme-private/gpt-4o-mini', { auth: gateway.masterKey })).status).toBe(200);
    for (const id of ['acme-secret', 'acme-private%2Fgpt-4o-mini', 'acme-private/gpt-4o-mini']) {
      const foreign = await call(gateway, 'GET', `/models/${id}`, { auth: otherKey });
      expect(foreign.status, id).toBe(404);
      expect(foreign.body.error.code).toBe('model_not_found');
    }
    expect((await call(gateway, 'GET', '/models/mock%2Fecho', { auth: otherKey })).status).toBe(200);
  });
});
