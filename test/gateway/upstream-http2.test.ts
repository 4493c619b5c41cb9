// Providers reached over HTTP/2 (SHUTTLE_UPSTREAM_HTTP2=cleartext, h2c here since a test provider has no certificate):
// answers, streams, a client's hang-up and a provider's error pass as over HTTP/1.1; concurrent requests share a few
// connections instead of holding one each; and tenants' connections still pass the address checks when they connect.
import { lookup } from 'node:dns';
import { createServer, type Http2Server, type Http2ServerRequest, type Http2ServerResponse } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { isIP } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostResolver } from '../../src/network/address-policy.js';
import { call, login } from '../helpers/api.js';
import { flushUsage, postJson, startGateway, type TestGateway } from '../helpers/gateway.js';
import { pollUntil } from '../helpers/poll.js';

const COMPLETION = {
  id: 'chatcmpl-h2',
  object: 'chat.completion',
  created: 1,
  model: 'gpt-4o-mini',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Hello over h2' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 },
};

const chunk = (delta: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini', choices: [{ index: 0, delta }], ...extra })}\n\n`;

interface H2Upstream {
  url: string;
  /** HTTP versions of the requests received, in order. */
  versions: string[];
  /** The stream window (SETTINGS_INITIAL_WINDOW_SIZE) the caller gave each request's connection. */
  windows: number[];
  /** TCP connections (HTTP/2 sessions) accepted so far. */
  readonly sessions: number;
  /** Requests held open (content "hold"), released by release(). */
  held: Http2ServerResponse[];
  /** Resolves when a streamed answer ("abandon") is closed by its caller before it ended. */
  abandoned: Promise<void>;
  close(): Promise<void>;
}

/** A provider speaking only HTTP/2 without TLS (prior knowledge): an HTTP/1.1 request gets no answer from it. */
async function startH2cUpstream(): Promise<H2Upstream> {
  const versions: string[] = [];
  const windows: number[] = [];
  const held: Http2ServerResponse[] = [];
  let markAbandoned!: () => void;
  const abandoned = new Promise<void>((resolve) => {
    markAbandoned = resolve;
  });
  let sessions = 0;
  const server: Http2Server = createServer(async (req: Http2ServerRequest, res: Http2ServerResponse) => {
    versions.push(req.httpVersion);
    windows.push(req.stream.session?.remoteSettings.initialWindowSize ?? -1);
    let text = '';
    for await (const piece of req) text += String(piece);
    const body = JSON.parse(text) as { stream?: boolean; messages: Array<{ content: string }> };
    const content = body.messages[0]?.content;
    if (content === 'hold') {
      held.push(res);
      return;
    }
    if (content === 'fail') {
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '7' });
      res.end(JSON.stringify({ error: { message: 'Slow down, h2 caller', type: 'requests', code: 'rate_limit_exceeded' } }));
      return;
    }
    if (!body.stream) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(COMPLETION));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write(chunk({ role: 'assistant', content: '' }));
    if (content === 'abandon') {
      // Streams forever: only the caller going away ends it.
      const timer = setInterval(() => res.write(chunk({ content: '.' })), 20);
      res.stream.once('close', () => {
        clearInterval(timer);
        if (!res.writableEnded) markAbandoned();
      });
      return;
    }
    for (const word of ['Hello', ' over', ' h2']) res.write(chunk({ content: word }));
    res.write(chunk({}, { choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }));
    res.write(chunk({}, { choices: [], usage: { prompt_tokens: 3, completion_tokens: 3, total_tokens: 6 } }));
    res.end('data: [DONE]\n\n');
  });
  server.on('connection', () => {
    sessions++;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    versions,
    windows,
    get sessions() {
      return sessions;
    },
    held,
    abandoned,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of held.splice(0)) res.stream.close();
        server.close(() => resolve());
      }),
  };
}

const ask = (content: string, extra: Record<string, unknown> = {}) => ({
  model: 'openai/gpt-4o-mini',
  messages: [{ role: 'user', content }],
  ...extra,
});

describe('providers over HTTP/2 (SHUTTLE_UPSTREAM_HTTP2=cleartext)', { timeout: 60_000 }, () => {
  let upstream: H2Upstream;
  let gateway: TestGateway;
  const names = new Map<string, string[]>();
  const resolveHost: HostResolver = (hostname, options, callback) => {
    const addresses = names.get(hostname);
    if (addresses === undefined) return lookup(hostname, options, callback);
    callback(
      null,
      addresses.map((address) => ({ address, family: isIP(address) })),
    );
  };

  beforeAll(async () => {
    upstream = await startH2cUpstream();
    gateway = await startGateway({
      resolveHost,
      env: {
        OPENAI_API_KEY: 'sk-test',
        OPENAI_BASE_URL: `${upstream.url}/v1`,
        SHUTTLE_UPSTREAM_HTTP2: 'cleartext',
        // Tenants' connections may not reach loopback: the operator's (above) may.
        SHUTTLE_ALLOW_PRIVATE_NETWORKS: '',
      },
    });
  });

  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  it('answers a chat completion, carried over HTTP/2', async () => {
    const answer = await postJson(gateway, '/chat/completions', ask('Hi'));
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({ choices: [{ message: { content: 'Hello over h2' } }], usage: { total_tokens: 7 } });
    expect(upstream.versions.at(-1)).toBe('2.0');
    // HTTP/2's default window, not undici's 256 KB: what a stream whose client falls behind can hold in the process.
    expect(upstream.windows.at(-1)).toBe(65_535);
  });

  it('streams an answer to its end and meters it', async () => {
    const answer = await postJson(gateway, '/chat/completions', ask('Hi', { stream: true }));
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toContain('text/event-stream');
    const text = await answer.text();
    const words = [...text.matchAll(/"content":"([^"]*)"/g)].map((match) => match[1]).join('');
    expect(words).toBe('Hello over h2');
    expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);
    await flushUsage(gateway);
    const events = await gateway.shuttle.runtime.db
      .selectFrom('usage_events')
      .select(['completion_tokens'])
      .where('tenant_id', '=', gateway.tenantId)
      .execute();
    expect(events).toContainEqual(expect.objectContaining({ completion_tokens: 3 }));
  });

  it('passes a provider’s error on with its status, message and retry-after', async () => {
    const answer = await postJson(gateway, '/chat/completions', ask('fail'));
    expect(answer.status).toBe(429);
    expect(answer.headers.get('retry-after')).toBe('7');
    expect(((await answer.json()) as { error: unknown }).error).toMatchObject({
      message: 'Slow down, h2 caller',
      code: 'rate_limit_exceeded',
    });
  });

  it('stops the provider’s stream when the client hangs up', async () => {
    const answer = await postJson(gateway, '/chat/completions', ask('abandon', { stream: true }));
    const reader = answer.body?.getReader();
    expect((await reader?.read())?.done).toBe(false);
    await reader?.cancel();
    await expect(
      Promise.race([upstream.abandoned.then(() => 'abandoned'), new Promise((r) => setTimeout(r, 15_000, 'still open'))]),
    ).resolves.toBe('abandoned');
    // The connection the abandoned stream rode still carries the next request.
    expect((await postJson(gateway, '/chat/completions', ask('Hi'))).status).toBe(200);
  });

  it('carries 150 concurrent requests over a few connections, not one each', async () => {
    const before = upstream.sessions;
    const answers = Array.from({ length: 150 }, () => postJson(gateway, '/chat/completions', ask('hold')));
    expect(
      await pollUntil(
        () => upstream.held.length,
        (held) => held === 150,
        { withinMs: 40_000 },
      ),
    ).toBe(150);
    // 100 streams a connection: two new connections at most (the first may be reused).
    expect(upstream.sessions - before).toBeLessThanOrEqual(2);
    for (const res of upstream.held.splice(0)) res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(COMPLETION));
    for (const answer of await Promise.all(answers)) expect(answer.status).toBe(200);
  });

  it('still refuses, when it connects, a tenant’s provider whose name now resolves to a private address', async () => {
    const port = new URL(upstream.url).port;
    names.set('h2.rebind.test', ['93.184.216.34']);
    const token = await login(gateway);
    const created = await call(gateway, 'POST', '/providers', {
      auth: token,
      body: { name: 'rebound', type: 'openai', baseUrl: `http://h2.rebind.test:${port}/v1`, apiKey: 'sk-tenant' },
    });
    expect(created.status).toBe(201);
    names.set('h2.rebind.test', ['127.0.0.1']);
    const before = upstream.versions.length;
    const answer = await call(gateway, 'POST', '/chat/completions', {
      auth: gateway.masterKey,
      body: { model: 'rebound/gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] },
    });
    expect(answer.status).toBe(502);
    expect(answer.body.error).toMatchObject({ code: 'upstream_address_refused', provider: 'rebound' });
    expect(upstream.versions).toHaveLength(before);
  });
});
