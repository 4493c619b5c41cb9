// Gemini's streamGenerateContent?alt=sse → OpenAI chunks: each event is a partial GenerateContentResponse, whose
// text and function calls become deltas as they arrive; usage comes with the events and is sent once, at the end.
import { randomBase62 } from '../../../store/ids.js';
import { readServerSentEvents } from '../../sse.js';
import type { StreamPart } from '../provider.js';
import { ChunkWriter } from '../translate/openai-output.js';
import { streamError } from './errors.js';
import { finishReasonOf, readParts, usageOf } from './response.js';
import type { ErrorBody, GenerateContentResponse, UsageMetadata } from './wire.js';

export async function* geminiStreamParts(provider: string, body: AsyncIterable<Uint8Array>, model: string): AsyncGenerator<StreamPart> {
  const writer = new ChunkWriter(`chatcmpl-${randomBase62(24)}`, model);
  const translator = new CandidateTracker(writer);
  let usage: UsageMetadata | undefined;
  let first = true;
  for await (const events of readServerSentEvents(body)) {
    for (const event of events) {
      if (event.data === '') continue;
      const response = JSON.parse(event.data) as GenerateContentResponse & ErrorBody;
      if (response.error) throw streamError(provider, response);
      if (first) {
        first = false;
        if (response.responseId) writer.id = `chatcmpl-${response.responseId}`;
        if (response.modelVersion) writer.model = response.modelVersion;
      }
      usage = response.usageMetadata ?? usage;
      yield* translator.translate(response);
    }
  }
  yield writer.usage(usageOf(usage));
}

/** Follows each candidate (choice) through the stream: its role chunk, its tool-call numbering, its finish. */
class CandidateTracker {
  private readonly started = new Set<number>();
  private readonly toolCalls = new Map<number, number>();

  constructor(private readonly writer: ChunkWriter) {}

  *translate(response: GenerateContentResponse): Generator<StreamPart> {
    const candidates = response.candidates ?? [];
    if (candidates.length === 0 && response.promptFeedback?.blockReason) {
      yield* this.start(0);
      yield this.writer.finish('content_filter');
      return;
    }
    for (const candidate of candidates) {
      const index = candidate.index ?? 0;
      yield* this.start(index);
      const { text, toolCalls } = readParts(candidate.content?.parts ?? []);
      if (text !== '') yield this.writer.delta({ content: text }, index);
      for (const call of toolCalls) {
        const number = this.toolCalls.get(index) ?? 0;
        this.toolCalls.set(index, number + 1);
        yield this.writer.delta({ tool_calls: [{ index: number, ...call }] }, index);
      }
      const finish = finishReasonOf(candidate.finishReason, (this.toolCalls.get(index) ?? 0) > 0);
      if (finish) yield this.writer.finish(finish, index);
    }
  }

  private *start(index: number): Generator<StreamPart> {
    if (this.started.has(index)) return;
    this.started.add(index);
    yield { ...this.writer.delta({ role: 'assistant', content: '' }, index), model: this.writer.model };
  }
}
