import { lookup } from 'node:dns';
import { isIP } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostResolver } from '../../src/network/address-policy.js';
import { call, login } from '../helpers/api.js';
import { DIALECTS, type TestDialect } from '../helpers/databases.js';
import { completion, type FakeUpstream, sendJson, startFakeOpenAi } from '../helpers/fake-openai.js';
import { startFakeUpstream } from '../helpers/fake-upstream.js';
import { type GatewayOptions, startGateway, type TestGateway } from '../helpers/gateway.js';

// Never connected to: names resolve to it only while a tenant saves a URL; by the time anything connects they have
// been rebound to loopback, which must be refused.
const PUBLIC_ADDRESS = '93.184.216.34';

/** A resolver whose names the test rebinds; any other name goes to the system's resolver (`localhost`). */
function rebindableResolver() {
  const names = new Map<string, string[]>();
  const resolve: HostResolver = (hostname, options, callback) => {
    const addresses = names.get(hostname);
    if (addresses === undefined) return lookup(hostname, options, callback);
    callback(
      null,
      addresses.map((address) => ({ address, family: isIP(address) })),
    );
  };
  return { names, resolve };
}

const ask = (model: string) => ({ model, messages: [{ role: 'user', content: 'hi' }], max_tokens: 5 });

describe.each(DIALECTS)('private networks, on %s', (dialect: TestDialect) => {
  let upstream: FakeUpstream;
  const started: TestGateway[] = [];
  const names = rebindableResolver();

  const gatewayWith = async (allow: string, options: GatewayOptions = {}) => {
    const gateway = await startGateway({
      dialect,
      resolveHost: names.resolve,
      ...options,
      env: { SHUTTLE_ALLOW_PRIVATE_NETWORKS: allow, ...options.env },
    });
    started.push(gateway);
    const token = await login(gateway);
    const api = (method: string, path: string, body?: unknown) => call(gateway, method, path, { auth: token, body });
    return { gateway, api };
  };

  beforeAll(async () => {
    upstream = await startFakeOpenAi((_request, res) => sendJson(res, 200, completion('pong')));
  });

  afterAll(async () => {
    for (const gateway of started) await gateway.close();
    await upstream?.close();
  });

  it('refuses a connection to a loopback, private, link-local, reserved or metadata address, in any spelling', async () => {
    const { api } = await gatewayWith('');
    const port = new URL(upstream.baseUrl).port;
    const refused = [
      upstream.baseUrl,
      `http://localhost:${port}/v1`,
      `http://LOCALHOST.:${port}/v1`,
      `http://2130706433:${port}/v1`,
      `http://0x7f.1:${port}/v1`,
      `http://017700000001:${port}/v1`,
      `http://127.1:${port}/v1`,
      'http://0.0.0.0/v1',
      'http://0/v1',
      'http://10.1.2.3/v1',
      'http://172.16.5.4/v1',
      'http://192.168.1.10/v1',
      'http://100.64.0.1/v1',
      'http://169.254.10.1/v1',
      'http://169.254.169.254/latest/meta-data',
      'http://metadata.google.internal/computeMetadata/v1',
      'http://224.0.0.1/v1',
      'http://255.255.255.255/v1',
      'http://198.18.0.1/v1',
      `http://[::1]:${port}/v1`,
      'http://[::]/v1',
      'http://[fc00::1]/v1',
      'http://[fd00:ec2::254]/latest',
      'http://[fe80::1]/v1',
      'http://[ff02::1]/v1',
      `http://[::ffff:127.0.0.1]:${port}/v1`,
      'http://[::ffff:a00:1]/v1',
      'http://[0:0:0:0:0:ffff:169.254.169.254]/latest',
      'http://[64:ff9b::a00:1]/v1',
      'http://[2002:c0a8:101::1]/v1',
      `http://[::ffff:0:127.0.0.1]:${port}/v1`,
      'http://[::ffff:0:a9fe:a9fe]/latest',
    ];
    for (const baseUrl of refused) {
      const answer = await api('POST', '/providers', { name: 'sneaky', type: 'openai', baseUrl, apiKey: 'sk-x' });
      expect({ baseUrl, status: answer.status, code: answer.body.error?.code, param: answer.body.error?.param }).toEqual({
        baseUrl,
        status: 400,
        code: 'private_network_refused',
        param: 'baseUrl',
      });
      expect(answer.body.error.message).toContain('SHUTTLE_ALLOW_PRIVATE_NETWORKS');
    }
    names.names.set('split.rebind.test', [PUBLIC_ADDRESS, '10.0.0.7']);
    const split = await api('POST', '/providers', { name: 'split', type: 'openai', baseUrl: 'http://split.rebind.test/v1', apiKey: 'k' });
    expect(split.body.error.code).toBe('private_network_refused');
    expect(split.body.error.message).not.toContain('10.0.0.7');
    expect(upstream.requests).toHaveLength(0);

    for (const baseUrl of [`http://${PUBLIC_ADDRESS}/v1`, 'http://[2606:4700::1111]/v1', 'http://[64:ff9b::5db8:d822]/v1']) {
      const name = `public-${(await api('GET', '/providers')).body.data.length}`;
      expect((await api('POST', '/providers', { name, type: 'openai', baseUrl, apiKey: 'k' })).status).toBe(201);
    }
    const { body: saved } = await api('POST', '/providers', { name: 'movable', type: 'openai', apiKey: 'k' });
    const moved = await api('PATCH', `/providers/${saved.id}`, { baseUrl: 'http://192.168.0.2/v1', apiKey: 'k' });
    expect(moved.status).toBe(400);
    expect(moved.body.error.code).toBe('private_network_refused');
    expect((await api('GET', '/providers')).body.data.find((c: { id: string }) => c.id === saved.id).baseUrl).toBe(
      'https://api.openai.com/v1',
    );
  });

  it('refuses at call time a name rebound to a private address after it was saved, and the operator’s connections stay trusted', async () => {
    const { gateway, api } = await gatewayWith('', { env: { OPENAI_API_KEY: 'sk-operator', OPENAI_BASE_URL: upstream.baseUrl } });
    const port = new URL(upstream.baseUrl).port;
    names.names.set('models.rebind.test', [PUBLIC_ADDRESS]);
    const created = await api('POST', '/providers', {
      name: 'rebound',
      type: 'openai',
      baseUrl: `http://models.rebind.test:${port}/v1`,
      apiKey: 'sk-tenant',
    });
    expect(created.status).toBe(201);
    names.names.set('models.rebind.test', ['127.0.0.1']);
    const before = upstream.requests.length;

    const answer = await call(gateway, 'POST', '/chat/completions', { auth: gateway.masterKey, body: ask('rebound/gpt-4o-mini') });
    expect(answer.status).toBe(502);
    expect(answer.body.error).toMatchObject({ code: 'upstream_address_refused', type: 'upstream_error', provider: 'rebound' });
    expect(answer.body.error.message).not.toContain('127.0.0.1');
    const tested = await api('POST', `/providers/${created.body.id}/test`, { model: 'gpt-4o-mini' });
    expect(tested.body).toMatchObject({ ok: false, error: { code: 'upstream_address_refused' } });
    expect(upstream.requests).toHaveLength(before);

    // The operator's own connection to the same loopback address is not checked.
    const operator = await call(gateway, 'POST', '/chat/completions', { auth: gateway.masterKey, body: ask('openai/gpt-4o-mini') });
    expect(operator.status).toBe(200);
    expect(upstream.last().headers.authorization).toBe('Bearer sk-operator');
    expect(upstream.requests.filter((r) => r.headers.authorization === 'Bearer sk-tenant')).toHaveLength(0);
  });

  it('refuses at call time a connection saved while private networks were allowed, once the operator narrows the setting', async () => {
    const { gateway: wide, api } = await gatewayWith('127.0.0.1');
    const created = await api('POST', '/providers', {
      name: 'was-allowed',
      type: 'openai',
      baseUrl: upstream.baseUrl,
      apiKey: 'sk-tenant',
    });
    expect(created.status).toBe(201);
    const narrow = await startGateway({ dialect, sharing: wide, env: { SHUTTLE_ALLOW_PRIVATE_NETWORKS: '' } });
    started.unshift(narrow);
    const before = upstream.requests.length;
    const answer = await call(narrow, 'POST', '/chat/completions', { auth: narrow.masterKey, body: ask('was-allowed/gpt-4o-mini') });
    expect(answer.status).toBe(502);
    expect(answer.body.error.code).toBe('upstream_address_refused');
    expect(upstream.requests).toHaveLength(before);
    expect((await call(wide, 'POST', '/chat/completions', { auth: wide.masterKey, body: ask('was-allowed/gpt-4o-mini') })).status).toBe(
      200,
    );
  });

  it('lets the operator allow private networks by CIDR, by host name, or all of them (cloud metadata never)', async () => {
    const port = new URL(upstream.baseUrl).port;
    const works = async (api: Awaited<ReturnType<typeof gatewayWith>>['api'], gateway: TestGateway, name: string, baseUrl: string) => {
      const created = await api('POST', '/providers', { name, type: 'openai', baseUrl, apiKey: 'sk-tenant' });
      expect(created.status).toBe(201);
      const answer = await call(gateway, 'POST', '/chat/completions', { auth: gateway.masterKey, body: ask(`${name}/gpt-4o-mini`) });
      expect(answer.status).toBe(200);
    };
    const refusedAt = async (api: Awaited<ReturnType<typeof gatewayWith>>['api'], baseUrl: string) =>
      (await api('POST', '/providers', { name: 'refused', type: 'openai', baseUrl, apiKey: 'k' })).body.error?.code;

    const cidr = await gatewayWith('10.0.0.0/8, 127.0.0.0/8');
    await works(cidr.api, cidr.gateway, 'by-cidr', upstream.baseUrl);
    expect(await refusedAt(cidr.api, 'http://192.168.1.1/v1')).toBe('private_network_refused');
    expect(await refusedAt(cidr.api, 'http://169.254.169.254/latest')).toBe('private_network_refused');

    const host = await gatewayWith('localhost');
    names.names.set('other.rebind.test', ['127.0.0.1']);
    await works(host.api, host.gateway, 'by-host', `http://localhost:${port}/v1`);
    expect(await refusedAt(host.api, upstream.baseUrl)).toBe('private_network_refused');
    expect(await refusedAt(host.api, `http://other.rebind.test:${port}/v1`)).toBe('private_network_refused');

    const all = await gatewayWith('true');
    await works(all.api, all.gateway, 'everything', upstream.baseUrl);
    for (const metadata of ['http://169.254.169.254/latest', 'http://[fd00:ec2::254]/latest', 'http://metadata.google.internal/']) {
      expect(await refusedAt(all.api, metadata)).toBe('private_network_refused');
    }
  });

  it('refuses a webhook on a private address, checks it again when sending, and never follows its redirect', async () => {
    const hooks: string[] = [];
    const target = await startFakeUpstream((request, res) => {
      hooks.push(`target ${request.url}`);
      res.end('ok');
    });
    const redirecting = await startFakeUpstream((request, res) => {
      hooks.push(`redirecting ${request.url}`);
      res.writeHead(307, { location: `${target.url}/stolen` }).end();
    });
    const limits = { costUsd: { month: 0.001 } };
    const spend = async (gateway: TestGateway) => {
      for (let i = 0; i < 3; i++)
        await call(gateway, 'POST', '/chat/completions', { auth: gateway.masterKey, body: ask('openai/gpt-4o-mini') });
    };
    try {
      const env = { OPENAI_API_KEY: 'sk-operator', OPENAI_BASE_URL: upstream.baseUrl };
      const narrow = await gatewayWith('', { env, captureLogs: true });
      const refused = await narrow.api('PATCH', '/tenant', { alerts: { webhookUrl: `${target.url}/hook` } });
      expect(refused.status).toBe(400);
      expect(refused.body.error).toMatchObject({ code: 'private_network_refused', param: 'alerts.webhookUrl' });

      const port = new URL(target.url).port;
      names.names.set('hooks.rebind.test', [PUBLIC_ADDRESS]);
      const saved = await narrow.api('PATCH', '/tenant', {
        alerts: { webhookUrl: `http://hooks.rebind.test:${port}/hook`, thresholds: [0.5] },
        limits,
      });
      expect(saved.status).toBe(200);
      names.names.set('hooks.rebind.test', ['127.0.0.1']);
      await spend(narrow.gateway);
      await expect
        .poll(() => narrow.gateway.logText(), { timeout: 5_000 })
        .toContain('limit alert webhook not sent: its host resolves to an address tenants may not reach');

      const allowed = await gatewayWith('127.0.0.1', { env, captureLogs: true });
      await allowed.api('PATCH', '/tenant', { alerts: { webhookUrl: `${redirecting.url}/hook`, thresholds: [0.5] }, limits });
      await spend(allowed.gateway);
      await expect.poll(() => allowed.gateway.logText(), { timeout: 5_000 }).toContain('a redirect, which is not followed');
      expect(hooks).toEqual(['redirecting /hook']);
    } finally {
      await target.close();
      await redirecting.close();
    }
  });
});
