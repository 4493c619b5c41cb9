// A real HTTP server that speaks OpenAI's chat completions wire format, scripted per test.
import { type FakeHandler, sendEvent, sendJson, startFakeUpstream, startSse, type FakeUpstream as Upstream } from './fake-upstream.js';

export type { FakeHandler, RecordedRequest } from './fake-upstream.js';
export { sendEvent, sendJson, startSse };

export interface FakeUpstream extends Upstream {
  /** The base URL to configure as OPENAI_BASE_URL. */
  baseUrl: string;
}

export function completion(content: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'chatcmpl-fake-1',
    object: 'chat.completion',
    created: 1_700_000_000,
    model: 'gpt-4o-mini-2024-07-18',
    choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, finish_reason: 'stop', logprobs: null }],
    usage: { prompt_tokens: 1000, completion_tokens: 500, total_tokens: 1500, prompt_tokens_details: { cached_tokens: 200 } },
    system_fingerprint: 'fp_fake',
    ...overrides,
  };
}

export function chunk(delta: Record<string, unknown>, finishReason: string | null = null, usage: unknown = null): string {
  return JSON.stringify({
    id: 'chatcmpl-fake-2',
    object: 'chat.completion.chunk',
    created: 1_700_000_000,
    model: 'gpt-4o-mini-2024-07-18',
    choices: [{ index: 0, delta, finish_reason: finishReason, logprobs: null }],
    usage,
  });
}

export function usageChunk(prompt: number, completionTokens: number): string {
  return JSON.stringify({
    id: 'chatcmpl-fake-2',
    object: 'chat.completion.chunk',
    created: 1_700_000_000,
    model: 'gpt-4o-mini-2024-07-18',
    choices: [],
    usage: { prompt_tokens: prompt, completion_tokens: completionTokens, total_tokens: prompt + completionTokens },
  });
}

/** The default: a completion, or a three-chunk stream with usage when asked. */
export const defaultHandler: FakeHandler = (request, res) => {
  if (request.body.stream === true) {
    startSse(res);
    sendEvent(res, chunk({ role: 'assistant', content: '' }));
    sendEvent(res, chunk({ content: 'Hello' }));
    sendEvent(res, chunk({ content: ' there' }));
    sendEvent(res, chunk({}, 'stop'));
    const options = request.body.stream_options as { include_usage?: boolean } | undefined;
    if (options?.include_usage) sendEvent(res, usageChunk(12, 2));
    res.end('data: [DONE]\n\n');
    return;
  }
  sendJson(res, 200, completion('Hello there'));
};

export async function startFakeOpenAi(initial: FakeHandler = defaultHandler): Promise<FakeUpstream> {
  const upstream = await startFakeUpstream(initial);
  return Object.assign(upstream, { baseUrl: `${upstream.url}/v1` });
}
