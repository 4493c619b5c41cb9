// The chat completion request every target is sent: one realistic body, non-streaming or streaming with usage.
export type ChatMode = 'json' | 'stream';

export const CHAT_MODES: readonly ChatMode[] = ['json', 'stream'];

/** A bare model name every target resolves: Shuttle through its price table, Portkey and the proxies as-is. */
export const BENCH_MODEL = 'gpt-4o-mini';

export function chatRequestBody(mode: ChatMode): string {
  return JSON.stringify({
    model: BENCH_MODEL,
    messages: [
      { role: 'system', content: 'You are a concise assistant for a travel booking site. Answer in two sentences at most.' },
      { role: 'user', content: 'Which is quicker from Paris to London for a day trip: the train or a flight, door to door?' },
    ],
    max_tokens: 128,
    temperature: 0.2,
    // Every target relays the same bytes: the client asks for the usage chunk, as metering clients do.
    ...(mode === 'stream' ? { stream: true, stream_options: { include_usage: true } } : {}),
  });
}
