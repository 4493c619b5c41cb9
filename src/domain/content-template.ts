// The text around the content of an OpenAI chat stream's chunk that only adds text to one choice, as most of a
// stream's chunks do: the chunks after it with the same text around their content are cut down to their content as
// the stream is packed (packAnswer()), and reassembly appends those contents instead of parsing each chunk whole —
// JSON.parse builds every name and object of a chunk (about 12,000 instructions) for one string. Found and applied
// with string operations only: whether the chunk it came from really adds a content and nothing else is for that
// chunk's parse to say, where the stream is reassembled (logged-answer.ts).

// Looked for without its opening quote, checked after: V8's search finds a pattern's first character first, and a quote
// is JSON's commonest (a third of the time the search took).
const CONTENT_DELTA = 'delta":{"content":"';
/** A chunk's `"choices":` key, without its opening quote (as CONTENT_DELTA). */
export const CHOICES_KEY = 'choices":';
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

export class ContentTemplate {
  private constructor(
    readonly before: string,
    readonly after: string,
  ) {}

  /** The template a chunk would be: one content delta, the content written without a quote; undefined otherwise. */
  static of(data: string): ContentTemplate | undefined {
    const marker = data.indexOf(CONTENT_DELTA);
    if (marker < 1 || data.charCodeAt(marker - 1) !== QUOTE || data.indexOf(CONTENT_DELTA, marker + 1) !== -1) return undefined;
    const start = marker + CONTENT_DELTA.length;
    // The content's closing quote: the first quote on (a content with a quote inside, escaped or not, is no template).
    const end = data.indexOf('"', start);
    // A quote after a backslash is in the content (or ends one that ends with a backslash): no template either way.
    if (end === -1 || data.charCodeAt(end - 1) === BACKSLASH) return undefined;
    return new ContentTemplate(data.slice(0, start), data.slice(end));
  }

  /** The content, as written (escapes and all), of a chunk with this template's text around it; else undefined. */
  writtenContentOf(data: string): string | undefined {
    const content = this.textBetween(data);
    // A quote in between may end the string early (a delta with more than a content).
    return content === undefined || content.includes('"') ? undefined : content;
  }

  /**
   * The text of a chunk between this template's text before and after its content, when it has both; else undefined.
   * A content only if it holds no quote (writtenContentOf()).
   */
  textBetween(data: string): string | undefined {
    const { before, after } = this;
    const end = data.length - after.length;
    // Slices compared with ===, not startsWith() and endsWith(): those cost five times as much with a template made
    // for each stream (a new string each time).
    if (end < before.length || data.slice(0, before.length) !== before || data.slice(end) !== after) return undefined;
    return data.slice(before.length, end);
  }
}

/** A JSON string's text as written between its quotes, as the string it is; undefined when it is not one. */
export function unescapedContent(written: string): string | undefined {
  if (!written.includes('\\')) return written;
  try {
    return JSON.parse(`"${written}"`) as string;
  } catch {
    return undefined;
  }
}
