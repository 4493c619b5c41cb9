// A fake OpenAI upstream: a chat.completion, or a stream of chunks ending with usage and [DONE], after a fixed latency.
import { createServer, type Server } from 'node:http';
import { createServer as createH2cServer, type Http2Server, type Http2ServerResponse } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { announceReady, exitOnSignals, integerArgument, isProcessEntry } from './process-entry.js';
import { scheduledChunkId, sendTimes, wallClockMs } from './stream-schedule.js';

export interface FakeUpstreamOptions {
  port?: number;
  /** Wait before the answer (before the headers): the provider's thinking time. */
  latencyMs?: number;
  /** Wait between streamed chunks; 0 writes them back to back. */
  chunkIntervalMs?: number;
  /**
   * Scheduled streams (`npm run bench -- --streams`): when above 0, a streamed answer is this many content chunks,
   * one every chunkIntervalMs, then the finish chunk, the usage chunk and [DONE] one interval after the last; every
   * chunk's id carries the time it was scheduled to be sent (stream-schedule.ts). 0: the fixed answer above.
   */
  streamChunks?: number;
  /**
   * HTTP/2 without TLS (h2c, prior knowledge) instead of HTTP/1.1: how Shuttle reaches it with
   * SHUTTLE_UPSTREAM_HTTP2=cleartext (`npm run bench -- --streams --upstream-http2`).
   */
  h2c?: boolean;
}

/** What `answer` needs of a request, from node:http or node:http2's compatibility API. */
interface Asked extends AsyncIterable<Buffer | string> {
  method?: string | undefined;
  url?: string | undefined;
}

/** What `answer` needs of a response, from node:http or node:http2's compatibility API. */
interface Reply {
  readonly headersSent: boolean;
  writeHead(status: number, headers: Record<string, string | number>): unknown;
  write(chunk: string): boolean;
  end(): unknown;
  end(text: string): unknown;
  once(event: 'close', listener: () => void): unknown;
}

export interface RunningServer {
  port: number;
  close(): Promise<void>;
}

const ID = 'chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT';
const CREATED = 1_741_569_952;
const MODEL = 'gpt-4o-mini-2024-07-18';
const FINGERPRINT = 'fp_06737a9306';
const WORDS = ['The', ' train', ' is', ' quicker', ':', ' about', ' 2h20', ' centre', ' to', ' centre', '.'];
const CONTENT = WORDS.join('');
const USAGE = {
  prompt_tokens: 41,
  completion_tokens: WORDS.length,
  total_tokens: 41 + WORDS.length,
  prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
  completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
};

export const COMPLETION_BODY = JSON.stringify({
  id: ID,
  object: 'chat.completion',
  created: CREATED,
  model: MODEL,
  choices: [
    { index: 0, message: { role: 'assistant', content: CONTENT, refusal: null, annotations: [] }, logprobs: null, finish_reason: 'stop' },
  ],
  usage: USAGE,
  service_tier: 'default',
  system_fingerprint: FINGERPRINT,
});

function chunk(delta: Record<string, unknown>, finishReason: string | null): string {
  return JSON.stringify({
    id: ID,
    object: 'chat.completion.chunk',
    created: CREATED,
    model: MODEL,
    service_tier: 'default',
    system_fingerprint: FINGERPRINT,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    usage: null,
  });
}

/** The SSE events of one streamed answer, as OpenAI frames them with stream_options.include_usage. */
export const STREAM_EVENTS: readonly string[] = [
  chunk({ role: 'assistant', content: '', refusal: null }, null),
  ...WORDS.map((word) => chunk({ content: word }, null)),
  chunk({}, 'stop'),
  JSON.stringify({
    id: ID,
    object: 'chat.completion.chunk',
    created: CREATED,
    model: MODEL,
    service_tier: 'default',
    system_fingerprint: FINGERPRINT,
    choices: [],
    usage: USAGE,
  }),
  '[DONE]',
].map((data) => `data: ${data}\n\n`);

function scheduledChunk(atMs: number, choices: unknown[], usage: unknown): string {
  const data = JSON.stringify({
    id: scheduledChunkId(atMs),
    object: 'chat.completion.chunk',
    created: CREATED,
    model: MODEL,
    service_tier: 'default',
    system_fingerprint: FINGERPRINT,
    choices,
    usage,
  });
  return `data: ${data}\n\n`;
}

/** The k-th send of a scheduled stream of `chunks` content chunks, due at `atMs`. */
export function scheduledSend(k: number, chunks: number, atMs: number, withUsage: boolean): string {
  if (k < chunks) {
    const word = WORDS[k % WORDS.length] as string;
    const delta = k === 0 ? { role: 'assistant', content: word } : { content: word };
    return scheduledChunk(atMs, [{ index: 0, delta, logprobs: null, finish_reason: null }], null);
  }
  const usage = { ...USAGE, completion_tokens: chunks, total_tokens: USAGE.prompt_tokens + chunks };
  const finish = scheduledChunk(atMs, [{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }], null);
  return `${finish}${withUsage ? scheduledChunk(atMs, [], usage) : ''}data: [DONE]\n\n`;
}

/** Writes each send at its scheduled time: one timer per stream, each step aimed at the schedule, so delays do not add up. */
function streamOnSchedule(res: Reply, chunks: number, intervalMs: number, withUsage: boolean): void {
  const due = sendTimes(wallClockMs(), chunks, intervalMs);
  let k = 0;
  let timer: NodeJS.Timeout | undefined;
  const sendDue = (): void => {
    timer = undefined;
    while (k < due.length && (due[k] as number) <= wallClockMs() + 0.5) {
      const last = k === due.length - 1;
      res.write(scheduledSend(k, chunks, due[k] as number, withUsage));
      k++;
      if (last) {
        res.end();
        return;
      }
    }
    timer = setTimeout(sendDue, Math.max(0, (due[k] as number) - wallClockMs()));
  };
  res.once('close', () => clearTimeout(timer));
  sendDue();
}

const NOT_FOUND = JSON.stringify({ error: { message: 'Unknown path', type: 'invalid_request_error', code: 'not_found' } });

async function readBody(req: Asked): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const piece of req) chunks.push(typeof piece === 'string' ? Buffer.from(piece) : piece);
  return Buffer.concat(chunks).toString('utf8');
}

function sendJson(res: Reply, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function answer(
  req: Asked,
  res: Reply,
  latencyMs: number,
  chunkIntervalMs: number,
  streamChunks: number,
  h2: boolean,
): Promise<void> {
  const text = await readBody(req);
  if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) return sendJson(res, 404, NOT_FOUND);
  const body = JSON.parse(text) as { stream?: boolean; stream_options?: { include_usage?: boolean } };
  if (latencyMs > 0) await sleep(latencyMs);
  if (body.stream !== true) return sendJson(res, 200, COMPLETION_BODY);

  // HTTP/2 forbids connection headers.
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...(h2 ? {} : { connection: 'keep-alive' }) });
  const withUsage = body.stream_options?.include_usage === true;
  if (streamChunks > 0) return streamOnSchedule(res, streamChunks, chunkIntervalMs, withUsage);
  for (const [index, event] of STREAM_EVENTS.entries()) {
    // The usage chunk is the one before [DONE]; OpenAI only sends it when asked.
    if (!withUsage && index === STREAM_EVENTS.length - 2) continue;
    if (chunkIntervalMs > 0 && index > 0) await sleep(chunkIntervalMs);
    res.write(event);
  }
  res.end();
}

export async function startFakeUpstream(options: FakeUpstreamOptions = {}): Promise<RunningServer> {
  const latencyMs = options.latencyMs ?? 0;
  const chunkIntervalMs = options.chunkIntervalMs ?? 0;
  const streamChunks = options.streamChunks ?? 0;
  const failed = (res: Reply, destroy: () => void): void => {
    if (res.headersSent) destroy();
    else sendJson(res, 400, JSON.stringify({ error: { message: 'Bad request', type: 'invalid_request_error' } }));
  };
  const server: Server | Http2Server = options.h2c
    ? createH2cServer((req, res: Http2ServerResponse) => {
        answer(req, res, latencyMs, chunkIntervalMs, streamChunks, true).catch(() => failed(res, () => res.stream.destroy()));
      })
    : createServer((req, res) => {
        answer(req, res, latencyMs, chunkIntervalMs, streamChunks, false).catch(() => failed(res, () => res.destroy()));
      });
  // Gateways keep pooled connections open between benchmark cells; don't close them under their feet.
  if ('keepAliveTimeout' in server) server.keepAliveTimeout = 120_000;
  else server.setTimeout(0);
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      if ('closeAllConnections' in server) server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

if (isProcessEntry(import.meta.url)) {
  const server = await startFakeUpstream({
    port: integerArgument('port', 0),
    latencyMs: integerArgument('latency-ms', 0),
    chunkIntervalMs: integerArgument('chunk-interval-ms', 0),
    streamChunks: integerArgument('stream-chunks', 0),
    h2c: process.argv.includes('--h2c'),
  });
  exitOnSignals(server.close);
  announceReady(server.port);
}
