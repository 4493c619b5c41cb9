// RawHeadersDispatch relies on undici calling its legacy handler methods (onConnect … onError) directly. This fails
// when an undici version stops doing so or changes what they are given; UpstreamClient would then have to dispatch
// UpstreamExchange as it is, on undici's controller API (see docs/benchmarks.md, issue 26).
import type { IncomingHttpHeaders } from 'node:http';
import { Agent, type Dispatcher } from 'undici';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type ControllerHandler, RawHeadersDispatch } from '../../src/gateway/raw-headers-dispatch.js';
import { type FakeUpstream, startFakeUpstream } from '../helpers/fake-upstream.js';

class Recorder implements ControllerHandler {
  status = 0;
  headers: IncomingHttpHeaders = {};
  chunks: Buffer[] = [];
  readonly done: Promise<Error | null>;
  private finish!: (error: Error | null) => void;

  constructor() {
    this.done = new Promise((resolve) => {
      this.finish = resolve;
    });
  }

  onRequestStart(): void {}
  onResponseStart(_controller: Dispatcher.DispatchController, status: number, headers: IncomingHttpHeaders): void {
    this.status = status;
    this.headers = headers;
  }
  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.chunks.push(chunk);
  }
  onResponseEnd(): void {
    this.finish(null);
  }
  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.finish(error);
  }
}

describe("undici's legacy dispatch handler methods, as RawHeadersDispatch uses them", () => {
  let upstream: FakeUpstream;
  const agent = new Agent();

  beforeAll(async () => {
    upstream = await startFakeUpstream((_request, res) => {
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '7', 'x-many': ['a', 'b'] });
      res.end('{"error":"slow down"}');
    });
  });

  afterAll(async () => {
    await agent.close();
    await upstream.close();
  });

  it('are called directly, with the raw headers, and reach the handler with the headers parsed when read', async () => {
    const recorder = new Recorder();
    const dispatch = new RawHeadersDispatch(recorder);
    const onHeaders = vi.spyOn(dispatch, 'onHeaders');
    const { origin } = new URL(upstream.url);
    agent.dispatch({ origin, path: '/v1/chat/completions', method: 'POST', body: '{}', headers: {} }, dispatch);

    expect(await recorder.done).toBeNull();
    expect(onHeaders).toHaveBeenCalledOnce();
    expect(onHeaders.mock.calls[0]?.[1].every((item) => Buffer.isBuffer(item))).toBe(true);
    expect(recorder.status).toBe(429);
    expect(recorder.headers['retry-after']).toBe('7');
    expect(recorder.headers['x-many']).toEqual(['a', 'b']);
    expect({ ...recorder.headers }).toMatchObject({ 'content-type': 'application/json', 'retry-after': '7' });
    expect(Buffer.concat(recorder.chunks).toString()).toBe('{"error":"slow down"}');
  });

  it('report an aborted exchange through onResponseError', async () => {
    const recorder = new Recorder();
    const dispatch = new RawHeadersDispatch(recorder);
    recorder.onRequestStart = () => dispatch.abort(new Error('the client went away'));
    const { origin } = new URL(upstream.url);
    agent.dispatch({ origin, path: '/', method: 'GET' }, dispatch);
    expect((await recorder.done)?.message).toBe('the client went away');
    expect(dispatch.aborted).toBe(true);
  });
});
