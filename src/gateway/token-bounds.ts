// Upper bounds on the tokens of a chat request's prompt, and counts of streamed text, per model family: OpenAI's
// families are counted with their tokenizer (gpt-tokenizer), every other model by UTF-8 bytes, which no byte-level
// BPE tokenizer can exceed (each token covers at least one byte). Cost limits reserve on these bounds.
import type { ChatCompletionCreateParams, ChatCompletionMessageParam } from './openai-wire.js';

type TokenCounter = (text: string) => number;

type Encoding = 'o200k_base' | 'cl100k_base';

/** How a model's tokens are bounded: its tokenizer's encoding, if one is known, and what one image or file may cost. */
export interface TokenFamily {
  encoding: Encoding | null;
  /** Tokens one image or file part may cost, whatever its size. */
  mediaTokens: number;
}

// gpt-4o-mini counts an image at about 33 times gpt-4o's tokens (2,833 + 5,667 per 512-px tile, 8 tiles at most).
const GPT_4O_MINI_MEDIA_TOKENS = 48_200;
// Above every other documented figure: OpenAI's patch models (1,536 patches × up to 2.46), Anthropic (~1,600, up to
// ~4,800 for high-resolution models), Gemini (258 per 768-px tile), Pixtral and Llama vision (~1,600–4,100).
const MEDIA_TOKENS = 16_000;
// Chat framing (role markers, reply priming) and the system prompt some providers add when tools are given
// (Anthropic: ~350 tokens); the byte bound adds it once per request.
const FIXED_OVERHEAD_TOKENS = 1_024;
// The tokenizer count's framing: OpenAI's is 3 per message and 3 to prime the reply; a margin on top.
const TOKENS_PER_MESSAGE = 4;
const TOKENS_PER_TOOL = 16;
const TOKENIZED_OVERHEAD = 16;
// The tokenizer's cost grows with rare text (random letters cost about forty times what English does a byte:
// docs/benchmarks.md) and, within one word, with the square of its length; so it counts pieces of text cut at spaces, up to a total size and time per
// request, and the rest is counted by bytes. A cut may split what the tokenizer would have merged: one token of
// margin each. The time budget is generous enough that ordinary text is always counted in full on a busy machine (a
// cold tokenizer took over 5 ms on the first 2 KB under test load), so admission does not depend on the CPU's load.
const PIECE_CHARS = 2_048;
const TOKENIZER_MAX_TOTAL_BYTES = 64 * 1024;
const TOKENIZER_MAX_MS = 20;

const O200K = /^(?:openai\/)?(?:gpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|gpt-oss|chatgpt-|o\d|codex)/;
const CL100K = /^(?:openai\/)?(?:gpt-4|gpt-3\.5)/;

/** The family of a model as a provider knows it (`gpt-4o-mini-2024-07-18`, `claude-sonnet-4`, `openai/gpt-4o`). */
export function tokenFamily(model: string): TokenFamily {
  const mediaTokens = model.includes('gpt-4o-mini') ? GPT_4O_MINI_MEDIA_TOKENS : MEDIA_TOKENS;
  if (O200K.test(model)) return { encoding: 'o200k_base', mediaTokens };
  if (CL100K.test(model)) return { encoding: 'cl100k_base', mediaTokens };
  return { encoding: null, mediaTokens };
}

// A tokenizer's tables take ~0.2 s and 40–60 MB to load (cl100k_base, o200k_base), so each loads on first need,
// not at start-up, and only for the encodings the deployment's models use; until then counts fall back to the byte
// bound, which is always safe.
const counters = new Map<Encoding, TokenCounter>();
const loading = new Map<Encoding, Promise<void>>();

// Each tokenizer caches the pieces it has merged; adversarial text would fill its default of 100,000 entries.
const MERGE_CACHE_ENTRIES = 10_000;

const WARM_UP_TEXT = 'The quick brown fox jumps over the lazy dog, 1234567890 times; 狐狸 🦊! '.repeat(64);

const ENCODINGS = {
  o200k_base: () => import('gpt-tokenizer/encoding/o200k_base'),
  cl100k_base: () => import('gpt-tokenizer/encoding/cl100k_base'),
} as const;

/** Loads these families' tokenizers once; resolves when they can count (or could not load: counts stay on bytes). */
export async function loadTokenizers(families: readonly TokenFamily[]): Promise<void> {
  await Promise.all(families.map((family) => family.encoding && loadEncoding(family.encoding)));
}

function loadEncoding(encoding: Encoding): Promise<void> {
  let loaded = loading.get(encoding);
  if (loaded === undefined) {
    loaded = ENCODINGS[encoding]().then(
      (tokenizer) => {
        // Text that spells a special token (<|endoftext|>) is ordinary text to the provider, and must not throw here.
        const options = { disallowedSpecial: new Set<string>() };
        tokenizer.setMergeCacheSize(MERGE_CACHE_ENTRIES);
        // Counted once before first use: a cold tokenizer is several times slower, and would spend a request's time
        // budget on its first piece and leave the rest of that prompt counted by bytes.
        tokenizer.countTokens(WARM_UP_TEXT, options);
        counters.set(encoding, (text) => tokenizer.countTokens(text, options));
      },
      () => undefined,
    );
    loading.set(encoding, loaded);
  }
  return loaded;
}

/** The family's tokenizer when loaded; starts loading it otherwise. */
function counterOf(family: TokenFamily): TokenCounter | null {
  if (family.encoding === null) return null;
  const counter = counters.get(family.encoding);
  if (counter === undefined) void loadEncoding(family.encoding);
  return counter ?? null;
}

/**
 * The cheap bound: the UTF-8 bytes of the request's JSON (every string in it, escaped, so never fewer bytes than the
 * text), plus a fixed bound per image or file and a fixed overhead. `json` is the request's own text when known.
 */
export function promptByteBound(params: ChatCompletionCreateParams, mediaTokens: number, json?: string): number {
  return Buffer.byteLength(json ?? JSON.stringify(params)) + mediaParts(params.messages) * mediaTokens + FIXED_OVERHEAD_TOKENS;
}

/** The tighter bound: the family's tokenizer on the text, with a margin for framing; the byte bound without one. */
export function promptTokenBound(params: ChatCompletionCreateParams, family: TokenFamily): number {
  const counter = counterOf(family);
  if (counter === null) return promptByteBound(params, family.mediaTokens);
  const count = new BudgetedCounter(counter);
  let tokens = TOKENIZED_OVERHEAD;
  for (const message of params.messages) tokens += TOKENS_PER_MESSAGE + messageTokens(message, family, count);
  if (params.tools) tokens += params.tools.length * TOKENS_PER_TOOL + count.json(params.tools);
  for (const field of ['functions', 'tool_choice', 'response_format'] as const) {
    if (params[field] !== undefined && params[field] !== null) tokens += count.json(params[field]);
  }
  return tokens;
}

/** The tokens of streamed text (the deltas seen): the tokenizer's count, or the bytes without one. */
export function textTokens(texts: readonly string[], family: TokenFamily): number {
  const counter = counterOf(family);
  if (counter === null) return texts.reduce((sum, text) => sum + Buffer.byteLength(text), 0);
  return new BudgetedCounter(counter).text(texts.join(''));
}

function messageTokens(message: ChatCompletionMessageParam, family: TokenFamily, count: BudgetedCounter): number {
  let tokens = 0;
  for (const [field, value] of Object.entries(message)) {
    if (field === 'role' || value === undefined || value === null) continue;
    if (field !== 'content') tokens += typeof value === 'string' ? count.text(value) : count.json(value);
    else if (typeof value === 'string') tokens += count.text(value);
    else if (Array.isArray(value)) {
      for (const part of value as Array<{ type?: unknown; text?: unknown }>) {
        if (part.type === 'text' && typeof part.text === 'string') tokens += count.text(part.text);
        // An image, file or audio part: its fixed bound, plus its own text (a file's or audio's data, a URL) by bytes.
        else tokens += family.mediaTokens + Buffer.byteLength(JSON.stringify(part));
      }
    } else tokens += count.json(value);
  }
  return tokens;
}

function mediaParts(messages: readonly ChatCompletionMessageParam[]): number {
  let parts = 0;
  for (const message of messages) {
    if (!Array.isArray(message.content)) continue;
    for (const part of message.content) if (part.type !== 'text') parts++;
  }
  return parts;
}

/** Counts with the tokenizer while within its budgets, then by bytes (an upper bound either way). */
class BudgetedCounter {
  private bytesLeft = TOKENIZER_MAX_TOTAL_BYTES;
  private readonly deadline = performance.now() + TOKENIZER_MAX_MS;

  constructor(private readonly counter: TokenCounter) {}

  text(text: string): number {
    if (text.length <= PIECE_CHARS) return this.piece(text);
    let tokens = 0;
    for (let start = 0; start < text.length; ) {
      let end = start + PIECE_CHARS;
      if (end < text.length) {
        // Searched within the piece only: lastIndexOf(' ', end) would scan back to the text's start each time, which
        // made a long text without spaces (a stream of 10 MB, say) take minutes of CPU to count.
        const space = text.slice(start, end).lastIndexOf(' ');
        if (space > 0) end = start + space;
        tokens++;
      }
      tokens += this.piece(text.slice(start, end));
      start = end;
    }
    return tokens;
  }

  private piece(text: string): number {
    const bytes = Buffer.byteLength(text);
    if (bytes > this.bytesLeft || performance.now() > this.deadline) return bytes;
    this.bytesLeft -= bytes;
    try {
      return this.counter(text);
    } catch {
      return bytes;
    }
  }

  json(value: unknown): number {
    return this.text(JSON.stringify(value) ?? '');
  }
}
