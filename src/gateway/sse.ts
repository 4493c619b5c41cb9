// Server-sent events: reading a provider's stream event by event, and framing events for the client.
import { createParser, type EventSourceMessage } from 'eventsource-parser';

/** Yields the events of an SSE byte stream, in batches as they arrive on the wire. */
export async function* readServerSentEvents(body: AsyncIterable<Uint8Array>): AsyncGenerator<EventSourceMessage[]> {
  let batch: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (event) => batch.push(event) });
  const decoder = new TextDecoder();
  for await (const chunk of body) {
    parser.feed(decoder.decode(chunk, { stream: true }));
    if (batch.length > 0) {
      const ready = batch;
      batch = [];
      yield ready;
    }
  }
  parser.feed(`${decoder.decode()}\n\n`);
  if (batch.length > 0) yield batch;
}

export function sseData(data: string): string {
  return `data: ${data}\n\n`;
}

/** An event with a name, as Anthropic's streams send every event. */
export function sseEvent(event: string, data: string): string {
  return `event: ${event}\ndata: ${data}\n\n`;
}

export const SSE_DONE = 'data: [DONE]\n\n';
