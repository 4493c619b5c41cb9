// A client that hangs up stops the provider call made for it; a keep-alive connection that carried finished
// requests still carries the next one (the cancellation signal belongs to the connection).
import { Agent, request as httpRequest, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
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
