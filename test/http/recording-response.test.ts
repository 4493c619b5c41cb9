// The server's responses record a metered request's usage event inside end(), before the last bytes reach the socket
// (so the usage journal has it before the client has its whole answer), once, and only for metered requests.
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyRequest } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { recordingResponses } from '../../src/http/plugins/request-lifecycle.js';
import { RequestMeter } from '../../src/metering/request-meter.js';
import type { Runtime } from '../../src/runtime.js';
import type { UsageEvent } from '../../src/store/repositories/usage-events.js';

let server: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve));
});

interface Recorded {
  id: string;
  status: number;
  /** Whether end() had already handed the body on when the event was recorded. */
  endedBefore: boolean;
}

/** A server whose handler answers as `answer` does, with responses of the gateway's class. */
async function serve(
  answer: (res: ServerResponse & { shuttleRequest: unknown }) => void,
  { failing = false } = {},
): Promise<{ url: string; recorded: Recorded[] }> {
  const recorded: Recorded[] = [];
  let current: ServerResponse | undefined;
  const runtime = {
    usageWriter: {
      record: (event: UsageEvent) => {
        if (failing) throw new Error('the usage writer failed');
        recorded.push({ id: event.id, status: event.status, endedBefore: current?.writableEnded ?? true });
      },
    },
  } as unknown as Runtime;
  server = createServer({ ServerResponse: recordingResponses(runtime) }, (_req, res) => {
    current = res;
    answer(res as ServerResponse & { shuttleRequest: unknown });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, recorded };
}

function meteredRequest(id: string, meter: RequestMeter | null): FastifyRequest {
  // Not in the request log: what these tests look at is the usage event alone.
  if (meter !== null) meter.logLevel = 'off';
  return {
    id,
    meter,
    principal: { type: 'key', tenantId: 'tenant_1', keyId: 'key_1', environment: 'production' },
    log: { error: () => undefined },
  } as unknown as FastifyRequest;
}

describe('the gateway’s responses', () => {
  it('record a metered request’s usage inside end(), before the body is handed on, once', async () => {
    const { url, recorded } = await serve((res) => {
      res.shuttleRequest = meteredRequest('req_metered', new RequestMeter('chat.completions', performance.now()));
      res.write('data: part\n\n');
      res.end('data: [DONE]\n\n');
      res.end();
    });
    const response = await fetch(url);
    expect(await response.text()).toBe('data: part\n\ndata: [DONE]\n\n');
    expect(recorded).toEqual([{ id: 'req_metered', status: 200, endedBefore: false }]);
  });

  it('record nothing for a request without a meter, nor for a response that was not a request’s', async () => {
    const unmetered = await serve((res) => {
      res.shuttleRequest = meteredRequest('req_unmetered', null);
      res.end('ok');
    });
    expect(await (await fetch(unmetered.url)).text()).toBe('ok');
    expect(unmetered.recorded).toEqual([]);
    await new Promise((resolve) => server?.close(resolve));

    const plain = await serve((res) => res.end('ok'));
    expect(await (await fetch(plain.url)).text()).toBe('ok');
    expect(plain.recorded).toEqual([]);
  });

  it('still send the answer when recording fails', async () => {
    const { url } = await serve(
      (res) => {
        res.shuttleRequest = meteredRequest('req_failing', new RequestMeter('chat.completions', performance.now()));
        res.end('the answer');
      },
      { failing: true },
    );
    expect(await (await fetch(url)).text()).toBe('the answer');
  });
});
