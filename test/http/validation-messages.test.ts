// A refused field is named by its parameter and explained in plain words ("must be a number"), not in the schema
// library's terms ("Invalid input: expected number, received null"), so the dashboard can show it beside the field.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, login } from '../helpers/api.js';
import { DIALECTS } from '../helpers/databases.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';

describe('validation messages', () => {
  let gateway: TestGateway;
  let owner: string;

  beforeAll(async () => {
    gateway = await startGateway();
    owner = await login(gateway);
  });

  afterAll(async () => {
    await gateway?.close();
  });

  const refusal = async (method: 'POST' | 'PUT' | 'PATCH', path: string, body: unknown) => {
    const response = await call(gateway, method, path, { auth: owner, body });
    expect(response.status, JSON.stringify(response.body)).toBe(400);
    return { param: response.body.error.param as string, message: response.body.error.message as string };
  };

  it('say what a value must be, in plain words, naming the parameter', async () => {
    const retry = { attempts: 2, backoffMs: 100, on: [429, null] };
    expect(await refusal('PUT', '/routing-rules/fast', { targets: [{ provider: 'openai', model: 'gpt-4o-mini' }], retry })).toEqual({
      param: 'retry.on.1',
      message: "Invalid value for 'retry.on.1': must be a number.",
    });
    const tooMany = { attempts: 11, backoffMs: 100, on: [429] };
    expect(
      await refusal('PUT', '/routing-rules/fast', { targets: [{ provider: 'openai', model: 'gpt-4o-mini' }], retry: tooMany }),
    ).toEqual({
      param: 'retry.attempts',
      message: "Invalid value for 'retry.attempts': must be at most 10.",
    });
    expect(await refusal('POST', '/keys', { name: '' })).toEqual({
      param: 'name',
      message: "Invalid value for 'name': must not be empty.",
    });
    expect(await refusal('POST', '/keys', { name: 'x'.repeat(65) }), 'a message the schema wrote').toEqual({
      param: 'name',
      message: "Invalid value for 'name': must be at most 64 characters.",
    });
    expect(await refusal('PATCH', '/tenant', { limits: { costUsd: { day: 0 } } })).toEqual({
      param: 'limits.costUsd.day',
      message: "Invalid value for 'limits.costUsd.day': must be more than 0.",
    });
    expect(await refusal('PATCH', '/tenant', { limits: { requestsPerMinute: 1.5 } })).toEqual({
      param: 'limits.requestsPerMinute',
      message: "Invalid value for 'limits.requestsPerMinute': must be a whole number.",
    });
  });

  it("take an email address as browsers do, the first run's admin@localhost included", async () => {
    const invited = await call(gateway, 'POST', '/invitations', { auth: owner, body: { email: 'ops@localhost', role: 'member' } });
    expect(invited.status, JSON.stringify(invited.body)).toBe(201);
    const customer = await call(gateway, 'POST', '/customers', { auth: owner, body: { externalId: 'local', email: 'billing@localhost' } });
    expect(customer.status, JSON.stringify(customer.body)).toBe(201);
    expect(await refusal('POST', '/invitations', { email: 'ops at localhost', role: 'member' })).toEqual({
      param: 'email',
      message: "Invalid value for 'email': must be an email address.",
    });
  });

  it('keep the words a schema wrote itself', async () => {
    expect(await refusal('POST', '/environments', { name: 'Bad Name' })).toEqual({
      param: 'name',
      message: "Invalid value for 'name': must be a lower-case name such as production.",
    });
  });
});

describe.each(DIALECTS)('cost limits on %s', (dialect) => {
  let gateway: TestGateway;
  let owner: string;

  beforeAll(async () => {
    gateway = await startGateway({ dialect });
    owner = await login(gateway);
  });

  afterAll(async () => {
    await gateway?.close();
  });

  it('take fractions of a cent, like the spend they are compared with', async () => {
    const saved = await call(gateway, 'PATCH', '/tenant', { auth: owner, body: { limits: { costUsd: { day: 0.0025, month: 0.000018 } } } });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    const tenant = await call(gateway, 'GET', '/tenant', { auth: owner });
    expect(tenant.body.limits.costUsd).toMatchObject({ day: 0.0025, month: 0.000018 });
  });
});
