// What tests read back from the gateway: a stream's events, and the usage event a request left in the database.
import type { UsageEvent } from '../../src/store/repositories/usage-events.js';
import { flushUsage, postJson, type TestGateway } from './gateway.js';
import { within } from './poll.js';

export interface StreamAnswer {
  status: number;
  headers: Headers;
  /** Every `data:` payload in order, `[DONE]` included. */
  data: string[];
  /** The parsed chunks (every payload but `[DONE]`). */
  chunks: Array<Record<string, unknown>>;
  /** The concatenated `delta.content` of choice 0. */
  text: string;
}

export async function postStream(gateway: TestGateway, body: Record<string, unknown>): Promise<StreamAnswer> {
  const response = await postJson(gateway, '/chat/completions', { ...body, stream: true });
  const raw = await response.text();
  const data = raw
    .split('\n')
    .filter((line) => line.startsWith('data: '))
    .map((line) => line.slice('data: '.length));
  const chunks = data.filter((payload) => payload !== '[DONE]').map((payload) => JSON.parse(payload) as Record<string, unknown>);
  const text = chunks
    .map((chunk) => (chunk.choices as Array<{ index: number; delta?: { content?: string | null } }> | undefined) ?? [])
    .flatMap((choices) => choices.filter((choice) => choice.index === 0).map((choice) => choice.delta?.content ?? ''))
    .join('');
  return { status: response.status, headers: response.headers, data, chunks, text };
}

/** The usage event of the request that answered with `response` (identified by its x-request-id). */
export async function usageEventOf(gateway: TestGateway, response: { headers: Headers }): Promise<UsageEvent | undefined> {
  await flushUsage(gateway);
  const id = response.headers.get('x-request-id');
  const events = await gateway.shuttle.runtime.repos.usageEvents.listRecent(gateway.tenantId, 1000);
  return events.find((event) => event.id === id);
}

export interface OpenStream {
  /**
   * Reads until the text received so far matches `pattern`; resolves with that text. Fails if the stream ends first,
   * or if nothing matching has arrived within `withinMs` (events held back until the provider finishes).
   */
  readUntil(pattern: RegExp, withinMs?: number): Promise<string>;
  /** Reads to the end; resolves with what arrived after the last readUntil. */
  rest(): Promise<string>;
}

/** Starts a stream and reads it piece by piece, to check that events arrive before the provider has finished. */
export async function openStream(gateway: TestGateway, body: Record<string, unknown>): Promise<OpenStream> {
  const response = await postJson(gateway, '/chat/completions', { ...body, stream: true });
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let received = '';
  return {
    async readUntil(pattern, withinMs = 10_000) {
      const deadline = Date.now() + withinMs;
      while (!pattern.test(received)) {
        const part = await within(
          reader.read(),
          Math.max(0, deadline - Date.now()),
          () => `nothing matching ${pattern} arrived within ${withinMs} ms; received: ${JSON.stringify(received)}`,
        );
        if (part.done) throw new Error(`the stream ended before ${pattern}: ${received}`);
        received += decoder.decode(part.value, { stream: true });
      }
      const seen = received;
      received = '';
      return seen;
    },
    async rest() {
      for (let part = await reader.read(); !part.done; part = await reader.read()) received += decoder.decode(part.value, { stream: true });
      return received;
    },
  };
}
