// An OpenAI-compatible provider's stream, passed through event by event; only the chunk that carries usage is
// parsed, to meter it and to learn the model that served the request.

import { createParser, type EventSourceParser } from 'eventsource-parser';
import type { TokenUsage } from '../../../domain/token-usage.js';
import type { ChatCompletionChunk } from '../../openai-wire.js';
import type { StreamPart } from '../provider.js';
import { endOfQuoted, indexOfQuoted, type QuotedName } from './key-search.js';
import type { UsageCarrier } from './profile.js';

const USAGE: QuotedName = 'usage"';
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;

/** JSON's whitespace: space, tab, line feed, carriage return. */
function isJsonSpace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

// How OpenAI ends every chunk but the usage one when a stream asks for usage: its top-level usage is null.
const NULL_USAGE_END = '"usage":null}';

/**
 * Whether an event's JSON has a "usage" key whose value is an object — the chunk worth parsing — rather than null, as
 * OpenAI sends in every other chunk of a stream that asked for usage. A chunk that ends with a null usage is passed
 * at once (its usage is that last key's, as JSON.parse reads duplicates); any other is searched for the key and what
 * follows each hit. The regular expression this replaces (/"usage"\s*:\s*\{/) ran over every event.
 */
export function carriesUsage(data: string): boolean {
  if (data.endsWith(NULL_USAGE_END)) return false;
  for (let at = indexOfQuoted(data, USAGE); at !== -1; at = indexOfQuoted(data, USAGE, at + 1)) {
    let i = endOfQuoted(at, USAGE);
    while (isJsonSpace(data.charCodeAt(i))) i++;
    if (data.charCodeAt(i) !== COLON) continue;
    i++;
    while (isJsonSpace(data.charCodeAt(i))) i++;
    if (data.charCodeAt(i) === OPEN_BRACE) return true;
  }
  return false;
}

/**
 * The stream's parts, event by event. A plain iterator over the body rather than two async generators (one reading
 * events, one turning them into parts): each generator added a promise, an iterator result and a resumption per
 * event, the most allocated per chunk of a stream (docs/benchmarks.md, concurrent streams). Reads the body a chunk at
 * a time, only when every part of the last one has been handed out, and stops reading at `[DONE]`.
 */
export function openAiStreamParts(
  body: AsyncIterable<Uint8Array>,
  readUsage: (carrier: UsageCarrier) => TokenUsage | undefined,
  repairChunk?: (data: string) => string,
): AsyncIterableIterator<StreamPart> {
  return new OpenAiStreamParts(body[Symbol.asyncIterator](), readUsage, repairChunk);
}

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

class OpenAiStreamParts implements AsyncIterableIterator<StreamPart> {
  private readonly ready: StreamPart[] = [];
  private readonly parser: EventSourceParser;
  private readonly decoder = new TextDecoder();
  /** `[DONE]` was seen, the body ended or failed, or the consumer stopped: nothing more is read. */
  private finished = false;
  /** The body's reader was let go (its return() called): once only. */
  private released = false;
  /** A chunk that could not be read (its JSON, its usage): thrown once the parts before it have been handed out. */
  private failure: { error: unknown } | undefined;
  private readonly onChunk = (result: IteratorResult<Uint8Array>): IteratorResult<StreamPart> | Promise<IteratorResult<StreamPart>> => {
    if (result.done) {
      this.parser.feed(`${this.decoder.decode()}\n\n`);
      this.finished = true;
      this.released = true;
    } else this.parser.feed(this.decoder.decode(result.value, { stream: true }));
    return this.settled() ?? this.read();
  };
  private readonly onFailure = (error: unknown): never => {
    this.finished = true;
    this.released = true;
    throw error;
  };

  constructor(
    private readonly body: AsyncIterator<Uint8Array>,
    private readonly readUsage: (carrier: UsageCarrier) => TokenUsage | undefined,
    private readonly repairChunk: ((data: string) => string) | undefined,
  ) {
    this.parser = createParser({ onEvent: (event) => this.add(event.data) });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<StreamPart> {
    return this;
  }

  next(): Promise<IteratorResult<StreamPart>> {
    try {
      const result = this.settled();
      return result === undefined ? this.read() : Promise.resolve(result);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** The next part if one is ready, the end if the stream is over (thrown if it failed), or undefined: read more. */
  private settled(): IteratorResult<StreamPart> | undefined {
    const part = this.ready.shift();
    if (part !== undefined) return { done: false, value: part };
    if (!this.finished) return undefined;
    this.release();
    const failure = this.failure;
    this.failure = undefined;
    if (failure !== undefined) throw failure.error;
    return DONE;
  }

  private read(): Promise<IteratorResult<StreamPart>> {
    return this.body.next().then(this.onChunk, this.onFailure);
  }

  /** The consumer stopped early: the body is let go (UpstreamBody reads what is left for a moment, then abandons it). */
  async return(): Promise<IteratorResult<StreamPart>> {
    this.finished = true;
    this.ready.length = 0;
    this.release();
    return DONE;
  }

  private release(): void {
    if (this.released) return;
    this.released = true;
    void this.body.return?.();
  }

  private add(eventData: string): void {
    if (this.finished) return;
    if (eventData === '[DONE]') {
      this.finished = true;
      return;
    }
    try {
      const data = this.repairChunk === undefined ? eventData : this.repairChunk(eventData);
      if (!carriesUsage(data)) {
        this.ready.push({ data });
        return;
      }
      const chunk = JSON.parse(data) as ChatCompletionChunk & UsageCarrier;
      const usage = this.readUsage(chunk);
      const part: StreamPart = { data, usageOnly: (chunk.choices ?? []).length === 0 };
      if (usage) part.usage = usage;
      if (chunk.model) part.model = chunk.model;
      this.ready.push(part);
    } catch (error) {
      this.failure = { error };
      this.finished = true;
    }
  }
}
