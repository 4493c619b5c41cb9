// Connections to a provider are not capped by default: an HTTP/1.1 stream holds one for as long as it lasts, so a cap
// would make the stream after it wait for another to end. A cap that is configured and reached shows, as a metric and
// a warning, instead of a silent queue.
import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeUpstream, sendJson, startFakeUpstream } from '../helpers/fake-upstream.js';
import { postJson, startGateway, type TestGateway } from '../helpers/gateway.js';
import { pollUntil } from '../helpers/poll.js';

const COMPLETION = {
  id: 'c',
  object: 'chat.completion',
  created: 1,
  model: 'gpt-4o-mini',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Hi' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
};
const REQUEST = { model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] };

let upstream: FakeUpstream | undefined;
let gateway: TestGateway | undefined;
afterEach(async () => {
  await gateway?.close();
  await upstream?.close();
});

/** A provider that holds every request until release(): what it holds at once is what reached it at once. */
async function holdingUpstream() {
  const held: ServerResponse[] = [];
  upstream = await startFakeUpstream((_request, res) => {
    held.push(res);
  });
  return {
    url: `${upstream.url}/v1`,
    held: () => held.length,
    release: () => {
      for (const res of held.splice(0)) sendJson(res, 200, COMPLETION);
    },
  };
}

async function waitingRequests(to: TestGateway): Promise<number> {
  const text = await (await fetch(`${to.url}/metrics`)).text();
  return Number(/^shuttle_upstream_waiting_requests (\d+)$/m.exec(text)?.[1] ?? Number.NaN);
}

describe('connections to providers', { timeout: 60_000 }, () => {
  it('are not capped by default: 300 requests held at once all reach the provider', async () => {
    const provider = await holdingUpstream();
    gateway = await startGateway({ env: { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: provider.url } });
    const open = gateway;
    const answers = Array.from({ length: 300 }, () => postJson(open, '/chat/completions', REQUEST));
    expect(await pollUntil(provider.held, (held) => held === 300, { withinMs: 40_000 }), 'requests the provider holds').toBe(300);
    expect(await waitingRequests(open)).toBe(0);
    provider.release();
    for (const answer of await Promise.all(answers)) expect(answer.status).toBe(200);
  });

  it('a configured cap that is reached shows as waiting requests and a warning, and the requests are answered', async () => {
    const provider = await holdingUpstream();
    gateway = await startGateway({
      env: { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: provider.url, SHUTTLE_UPSTREAM_CONNECTIONS: '2' },
      captureLogs: true,
    });
    const capped = gateway;
    const answers = Array.from({ length: 5 }, () => postJson(capped, '/chat/completions', REQUEST));
    expect(
      await pollUntil(
        () => waitingRequests(capped),
        (waiting) => waiting === 3,
        { withinMs: 10_000 },
      ),
    ).toBe(3);
    expect(provider.held()).toBe(2);
    const warning = await pollUntil(
      () => capped.logs().find((line) => String(line.msg).includes('SHUTTLE_UPSTREAM_CONNECTIONS caps')),
      (line) => line !== undefined,
      { withinMs: 5_000 },
    );
    expect(warning).toMatchObject({ level: 40, connectionsPerOrigin: 2, waiting: { [new URL(provider.url).origin]: 3 } });
    // Each answer frees a connection for a waiting request: two, two, then one reach the provider.
    for (const expected of [2, 2, 1]) {
      expect(await pollUntil(provider.held, (held) => held === expected, { withinMs: 10_000 })).toBe(expected);
      provider.release();
    }
    for (const answer of await Promise.all(answers)) expect(answer.status).toBe(200);
    expect(await waitingRequests(capped)).toBe(0);
  });
});
