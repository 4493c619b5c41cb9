// A client that hangs up stops the provider call made for it; a keep-alive connection that carried finished
// requests still carries the next one (the cancellation signal belongs to the connection).
import { Agent, request as httpRequest, type IncomingMessage } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeUpstream, startFakeUpstream } from '../helpers/fake-upstream.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { settledWithin } from '../helpers/poll.js';

const COMPLETION = JSON.stringify({
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1,
  model: 'gpt-4o-mini',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Hello' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
});

describe('a client that hangs up', { timeout: 30_000 }, () => {
  let upstream: FakeUpstream;
  let gateway: TestGateway;
  /** Resolves when the provider sees its request's connection close before it answered. */
  let upstreamAbandoned: Promise<void>;
  let upstreamCalled: () => void;
  let upstreamCalledOnce: Promise<void>;

  beforeAll(async () => {
    let abandoned!: () => void;
    upstreamAbandoned = new Promise((resolve) => {
      abandoned = resolve;
    });
    upstreamCalledOnce = new Promise((resolve) => {
      upstreamCalled = resolve;
    });
    upstream = await startFakeUpstream((request, res) => {
      const { messages } = request.body as { messages: Array<{ content: string }> };
      if (messages[0]?.content === 'slow') {
        upstreamCalled();
        // Never answers: only the gateway giving up ends this request.
        res.once('close', () => abandoned());
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(COMPLETION);
    });
    gateway = await startGateway({ env: { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: `${upstream.url}/v1` } });
  });

  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  function ask(content: string, agent: Agent): Promise<{ response: IncomingMessage; socket: Socket; text: Promise<string> }> {
    return new Promise((resolve, reject) => {
      const req = httpRequest(`${gateway.api}/chat/completions`, {
        method: 'POST',
        agent,
        headers: { authorization: `Bearer ${gateway.masterKey}`, 'content-type': 'application/json' },
      });
      req.on('response', (response) => resolve({ response, socket: req.socket as Socket, text: readBody(response) }));
      req.on('error', reject).end(JSON.stringify({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content }] }));
    });
  }

  it('answers request after request on one keep-alive connection', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const first = await ask('Hi', agent);
      expect(first.response.statusCode).toBe(200);
      expect(await first.text).toBe(COMPLETION);
      const second = await ask('Hi again', agent);
      expect(second.socket).toBe(first.socket);
      expect(second.response.statusCode).toBe(200);
      expect(await second.text).toBe(COMPLETION);
    } finally {
      agent.destroy();
    }
  });

  it('makes Shuttle abandon the provider call, even on a connection that carried a finished request', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const finished = await ask('Hi', agent);
    expect(await finished.text).toBe(COMPLETION);
    const socket = finished.socket;
    const hangingUp = ask('slow', agent).catch(() => undefined);
    expect(await settledWithin(upstreamCalledOnce, 10_000), 'the slow request never reached the provider').toBe(true);
    socket.destroy();
    // Well before the upstream timeout (10 minutes by default): only the hang-up can end the provider call this soon.
    expect(await settledWithin(upstreamAbandoned, 10_000), 'the provider call went on after the client hung up').toBe(true);
    await hangingUp;
    agent.destroy();
  });
});

async function readBody(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += String(chunk);
  return text;
}

describe('the logs of clients that hang up', { timeout: 30_000 }, () => {
  let upstream: FakeUpstream;
  let gateway: TestGateway;

  beforeAll(async () => {
    upstream = await startFakeUpstream((request, res) => {
      if (request.body.stream !== true) return; // never answers: the client gives up first
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const chunk = { id: 'c', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini' };
      const ticker = setInterval(
        () => res.write(`data: ${JSON.stringify({ ...chunk, choices: [{ index: 0, delta: { content: 'x' }, finish_reason: null }] })}\n\n`),
        20,
      );
      res.once('close', () => clearInterval(ticker));
    });
    gateway = await startGateway({
      captureLogs: true,
      env: { LOG_LEVEL: 'debug', OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: `${upstream.url}/v1` },
    });
  });

  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  const body = (stream: boolean) => JSON.stringify({ model: 'openai/gpt-4o-mini', stream, messages: [{ role: 'user', content: 'Hi' }] });
  const head = (path: string, length: number, extra = '') =>
    `POST /api/v1${path} HTTP/1.1\r\nHost: shuttle\r\nAuthorization: Bearer ${gateway.masterKey}\r\n` +
    `Content-Type: application/json\r\nContent-Length: ${length}\r\n${extra}\r\n`;

  /** Sends raw bytes on a new connection, left open for the test to close. */
  async function send(bytes: string): Promise<{ received: () => string; close: (reset: boolean) => void }> {
    const socket = connect(Number(new URL(gateway.url).port), '127.0.0.1');
    let received = '';
    socket.on('data', (data: Buffer) => {
      received += String(data);
    });
    socket.on('error', () => undefined);
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(bytes);
    return { received: () => received, close: (reset) => (reset ? socket.resetAndDestroy() : socket.destroy()) };
  }

  async function until(condition: () => boolean): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error('the condition never held');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  async function requestLines(count: number): Promise<Array<Record<string, unknown>>> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const lines = gateway.logs().filter((line) => line.msg === 'request');
      if (lines.length >= count || Date.now() > deadline) return lines;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  it('logs each hang-up as a 499 at info, with no error or warning', async () => {
    const json = body(false);
    const stream = body(true);
    // While the body is still arriving, while the provider has the request, and halfway through a stream; each by a
    // plain close and by a reset (a load tool's RST).
    for (const reset of [false, true]) {
      // Node answers 100 Continue once it has parsed the headers: the request has begun, and its body never comes.
      const uploading = await send(head('/chat/completions', json.length, 'Expect: 100-continue\r\n'));
      await until(() => uploading.received().includes('100 Continue'));
      uploading.close(reset);
      const asked = upstream.requests.length;
      const waiting = await send(head('/chat/completions', json.length) + json);
      await until(() => upstream.requests.length > asked);
      waiting.close(reset);
      const streaming = await send(head('/chat/completions', stream.length) + stream);
      await until(() => streaming.received().includes('"content":"x"'));
      streaming.close(reset);
    }
    const lines = await requestLines(6);
    expect(lines.map((line) => [line.status, line.errorCode])).toEqual(Array(6).fill([499, 'client_closed']));
    expect(lines.every((line) => line.level === 30)).toBe(true);
    const loud = gateway.logs().filter((line) => (line.level as number) >= 40);
    expect(loud).toEqual([]);
    // The call a hang-up cut short is noted at debug, for whoever looks into one.
    expect(gateway.logs().filter((line) => line.msg === 'client closed the connection' && line.level === 20)).not.toEqual([]);
  });

  it('logs nothing when a load tool resets an idle keep-alive connection', async () => {
    const before = gateway.logs().length;
    const idle = await send('GET /healthz HTTP/1.1\r\nHost: shuttle\r\n\r\n');
    await until(() => idle.received().includes('\r\n\r\n'));
    const answered = gateway.logs().length;
    idle.close(true);
    // A request after it: its line is written after anything the reset caused.
    expect((await fetch(`${gateway.url}/healthz`)).status).toBe(200);
    await until(() => gateway.logs().length > answered);
    const lines = gateway.logs().slice(before);
    expect(lines.map((line) => [line.level, line.msg, line.url])).toEqual([
      [30, 'request', '/healthz'],
      [30, 'request', '/healthz'],
    ]);
  });
});
