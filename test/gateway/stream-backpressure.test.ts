// A client that stops reading a stream must stop Shuttle from reading the provider's (bounded by the sockets'
// buffers, not by the length of the answer), and the stream must flow again once the client reads.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeUpstream, startFakeUpstream, startSse } from '../helpers/fake-upstream.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { pollUntil } from '../helpers/poll.js';

const CHUNK = `data: ${JSON.stringify({
  id: 'chatcmpl-1',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'gpt-4o-mini',
  choices: [{ index: 0, delta: { content: 'x'.repeat(2_000) }, finish_reason: null }],
})}\n\n`;
const OFFERED_BYTES = 400 * 1024 * 1024;

describe('a streamed answer to a client that stops reading', { timeout: 60_000 }, () => {
  let upstream: FakeUpstream;
  let gateway: TestGateway;
  let upstreamWritten = 0;

  beforeAll(async () => {
    // Writes events for as long as its socket takes them, waiting for 'drain' when it does not, up to 400 MB.
    upstream = await startFakeUpstream(async (_request, res) => {
      startSse(res);
      while (upstreamWritten < OFFERED_BYTES && !res.destroyed) {
        upstreamWritten += CHUNK.length;
        if (!res.write(CHUNK)) await new Promise((resolve) => res.once('drain', resolve).once('close', resolve));
      }
      res.end();
    });
    gateway = await startGateway({ env: { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: `${upstream.url}/v1` } });
  });

  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  it("stops reading the provider's stream while the client does not read, and resumes when it does", async () => {
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      const body = JSON.stringify({ model: 'openai/gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'Hi' }] });
      const req = httpRequest(`${gateway.api}/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${gateway.masterKey}`, 'content-type': 'application/json' },
      });
      req.on('response', resolve).on('error', reject).end(body);
    });
    expect(response.statusCode).toBe(200);
    response.pause();

    const whilePaused = await waitUntilSteady(() => upstreamWritten);
    // What the sockets on the way can hold (a few MB each on loopback), far from the 400 MB on offer.
    expect(whilePaused).toBeLessThan(64 * 1024 * 1024);

    let received = 0;
    response.on('data', (data: Buffer) => {
      received += data.length;
    });
    response.resume();
    const resumed = await pollUntil(
      () => received,
      (bytes) => bytes > 2 * whilePaused,
      { withinMs: 20_000 },
    );
    expect(resumed, 'the stream did not flow again once the client read').toBeGreaterThan(2 * whilePaused);
    expect(upstreamWritten).toBeGreaterThan(whilePaused);
    response.destroy();
  });
});

/**
 * Waits until the value stops growing for half a second and returns it; fails, saying how far it got, if it is still
 * growing after 30 s (the provider's stream is not being held back).
 */
async function waitUntilSteady(value: () => number): Promise<number> {
  const deadline = Date.now() + 30_000;
  let last = -1;
  while (value() !== last) {
    if (Date.now() > deadline) throw new Error(`still growing after 30 s: ${value()} bytes read from the provider`);
    last = value();
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return last;
}
