// A stream's events packed into one string as its request log entry is queued, and kept so to the database: the chunks
// that only add a content cut down to their content, the others without the front they share with the content template.
// One string outlives a young-generation collection more cheaply than every event and the upstream chunks their data
// are slices of; it crosses to the writer thread as one text and is stored as it is (store/stored-stream.ts), to be
// reassembled when the entry is read (logged-answer.ts). Made with string operations only: no parse on the request path.
import { CHOICES_KEY, ContentTemplate } from './content-template.js';

export interface StreamEvent {
  /** The SSE event name (Anthropic's streams name each event); absent for OpenAI chat chunks. */
  event?: string | undefined;
  data: string;
}

/**
 * Events one after another, each as a separator (U+001F), a letter saying how it was packed (PackedKind), and its data;
 * a named event's name and U+001D come before its data. JSON escapes every control character inside a string and
 * allows none outside one, so no chunk holds a separator: a stream with one anywhere (not JSON) is not packed.
 */
export interface PackedEvents {
  kind: 'packed-events';
  text: string;
  /** Where the cut chunks' text around their content comes from, when any chunk was cut. */
  cut: PackedCut | null;
}

/**
 * The content template's text before and after its content: the first `before` and last `after` characters of the
 * template chunk's data (kind `t`); and the length of its front, the text before its `"choices":` that the chunks of
 * kind `f` were packed without (0: none were).
 */
export interface PackedCut {
  before: number;
  after: number;
  front: number;
}

/**
 * How an event was packed: `w` whole; `n` whole, with a name (Anthropic's); `t` whole, the content template's chunk;
 * `c` a chunk cut down to its content (as written in JSON, escapes and all); `f` a chunk without its front.
 */
export type PackedKind = 'w' | 'n' | 't' | 'c' | 'f';

const SEPARATOR = '\u001f';
const NAME_END = '\u001d';
const SEPARATOR_CODE = 0x1f;
const NAME_END_CODE = 0x1d;
const QUOTE = 0x22;
const WHOLE = `${SEPARATOR}w`;
const NAMED = `${SEPARATOR}n`;
const TEMPLATE = `${SEPARATOR}t`;
const CUT = `${SEPARATOR}c`;
const FRONTED = `${SEPARATOR}f`;

function holdsSeparator(text: string): boolean {
  return text.includes(SEPARATOR) || text.includes(NAME_END);
}

const PLAIN_CONTENT = 0;
const NOT_CONTENT = 1;
const HOLDS_SEPARATOR = 2;

/**
 * What a chunk has where the template has its content: a content (no quote in it, which would end the string early:
 * a delta with more than a content), not one, or a text with a separator in it. One look at each character: a cut
 * chunk's content is a few characters, where a search for each of the three would cost a builtin call apiece.
 */
function contentCheck(between: string): typeof PLAIN_CONTENT | typeof NOT_CONTENT | typeof HOLDS_SEPARATOR {
  for (let i = 0; i < between.length; i++) {
    const code = between.charCodeAt(i);
    // Not a content: the chunk is then looked at whole, separators and all.
    if (code === QUOTE) return NOT_CONTENT;
    if (code === SEPARATOR_CODE || code === NAME_END_CODE) return HOLDS_SEPARATOR;
  }
  return PLAIN_CONTENT;
}

/** A stream's events packed; undefined when one holds a separator (then the events are kept as they are). */
export function packEvents(events: readonly StreamEvent[]): PackedEvents | undefined {
  const data = new Array<string>(events.length);
  const kinds = new Array<string>(events.length);
  let template: ContentTemplate | undefined;
  let templateAt = -1;
  let cutCount = 0;
  for (let i = 0; i < events.length; i++) {
    const event = events[i] as StreamEvent;
    const text = event.data;
    let kind = WHOLE;
    if (event.event !== undefined) {
      if (holdsSeparator(event.event)) return undefined;
      kind = `${NAMED}${event.event}${NAME_END}`;
    } else {
      const between = template?.textBetween(text);
      const content = between === undefined ? NOT_CONTENT : contentCheck(between);
      if (content === HOLDS_SEPARATOR) return undefined;
      if (content === PLAIN_CONTENT) {
        // Every character of it looked at: no search for a separator again.
        data[i] = between as string;
        kinds[i] = CUT;
        cutCount++;
        continue;
      }
      if (cutCount === 0) {
        // Until a chunk has been cut with it, a template gives way to the next chunk that could be one.
        const candidate = ContentTemplate.of(text);
        if (candidate !== undefined) {
          template = candidate;
          templateAt = i;
        }
      }
    }
    // A cut chunk's text around its content is the template chunk's, itself looked at whole: only the content is left.
    if (holdsSeparator(text)) return undefined;
    data[i] = text;
    kinds[i] = kind;
  }
  let cut: PackedCut | null = null;
  if (template !== undefined && cutCount > 0) {
    kinds[templateAt] = TEMPLATE;
    const front = frontOf(template.before);
    cut = { before: template.before.length, after: template.after.length, front: front?.length ?? 0 };
    if (front !== undefined) cutFronts(data, kinds, front);
  }
  const parts = new Array<string>(2 * events.length);
  for (let i = 0; i < events.length; i++) {
    parts[2 * i] = kinds[i] as string;
    parts[2 * i + 1] = data[i] as string;
  }
  // join() makes one flat string: the events' data, and the upstream chunks they are slices of, can die young.
  return { kind: 'packed-events', text: parts.join(''), cut };
}

/** The whole chunks (but the template) that start with the template's front, made kind `f` and cut after it. */
function cutFronts(data: string[], kinds: string[], front: string): void {
  for (let i = 0; i < data.length; i++) {
    const text = data[i] as string;
    if (kinds[i] !== WHOLE || text.length <= front.length || text.slice(0, front.length) !== front) continue;
    data[i] = text.slice(front.length);
    kinds[i] = FRONTED;
  }
}

/** The text a template's chunk starts with before its `"choices":` — the same in each chunk of most streams. */
function frontOf(before: string): string | undefined {
  const at = before.indexOf(CHOICES_KEY) - 1;
  return at > 0 && before.charCodeAt(at) === 0x22 ? before.slice(0, at) : undefined;
}

/**
 * Calls `visit` with each event in order: its data (a chunk of kind `f` made whole again; a cut chunk's content only),
 * how it was packed, its name, and its data as packed.
 */
export function forEachPacked(
  { text, cut }: Omit<PackedEvents, 'kind'>,
  visit: (data: string, kind: PackedKind, name: string | undefined, packed: string) => void,
): void {
  let front = '';
  if (cut !== null && cut.front > 0) {
    const template = text.indexOf(TEMPLATE);
    if (template !== -1) front = text.slice(template + TEMPLATE.length, template + TEMPLATE.length + cut.front);
  }
  forEachPackedSpan(text, (kind, at, start, end) => {
    const packed = text.slice(start, end);
    visit(kind === 'f' ? front + packed : packed, kind, kind === 'n' ? text.slice(at, start - 1) : undefined, packed);
  });
}

/**
 * Calls `visit` with each event's kind and where it is in the packed text: from `at` (a named event's name, then
 * U+001D), its data as packed from `start` to `end`. No string is made for an event that is not looked at.
 */
export function forEachPackedSpan(text: string, visit: (kind: PackedKind, at: number, start: number, end: number) => void): void {
  let separator = text.indexOf(SEPARATOR);
  while (separator !== -1) {
    const next = text.indexOf(SEPARATOR, separator + 2);
    const end = next === -1 ? text.length : next;
    let kind = text[separator + 1] as PackedKind;
    const at = separator + 2;
    let start = at;
    if (kind === 'n') {
      const nameEnd = text.indexOf(NAME_END, at);
      if (nameEnd !== -1 && nameEnd < end) start = nameEnd + 1;
      else kind = 'w';
    } else if (kind !== 't' && kind !== 'c' && kind !== 'f') kind = 'w';
    visit(kind, at, start, end);
    separator = next;
  }
}

/** forEachPacked() of a packed stream, or of events as they are (each one whole). */
export function forEachEvent(
  stream: readonly StreamEvent[] | PackedEvents,
  visit: (data: string, kind: PackedKind, name: string | undefined, packed: string) => void,
): void {
  if (Array.isArray(stream)) {
    for (const { event, data } of stream as readonly StreamEvent[]) visit(data, event === undefined ? 'w' : 'n', event, data);
  } else forEachPacked(stream as PackedEvents, visit);
}

/** The text before and after the cut events' contents: the start and end of the template event's data. */
export function cutAround(templateData: string, cut: { before: number; after: number }): { before: string; after: string } {
  return { before: templateData.slice(0, cut.before), after: templateData.slice(templateData.length - cut.after) };
}

/** The events a PackedEvents holds, as they came. */
export function unpackEvents(packed: Omit<PackedEvents, 'kind'>): StreamEvent[] {
  const events: StreamEvent[] = [];
  let around: { before: string; after: string } | undefined;
  forEachPacked(packed, (packedData, kind, name) => {
    let data = packedData;
    if (kind === 't' && packed.cut !== null) around = cutAround(data, packed.cut);
    else if (kind === 'c' && around !== undefined) data = around.before + data + around.after;
    events.push(name === undefined ? { data } : { event: name, data });
  });
  return events;
}

/** Whether the events are Anthropic's (named) rather than OpenAI's chat chunks. */
export function namedEvents(stream: readonly StreamEvent[] | PackedEvents): boolean {
  return Array.isArray(stream) ? stream.some((event) => event.event !== undefined) : (stream as PackedEvents).text.includes(NAMED);
}

/**
 * A stream as an earlier version packed it, each event's length in `lengths`, which spill files and dead letters can
 * still hold: its events.
 */
export interface LengthsPackedEvents {
  kind: 'packed-events';
  text: string;
  lengths: number[];
  names: (string | null)[] | null;
  cut?: { template: number; before: number; after: number; events: number[] } | null;
}

export function unpackLengthsPacked({ text, lengths, names, cut }: LengthsPackedEvents): StreamEvent[] {
  const events: StreamEvent[] = [];
  let at = 0;
  let nextCut = 0;
  let around: { before: string; after: string } | undefined;
  for (let i = 0; i < lengths.length; i++) {
    let data = text.slice(at, at + (lengths[i] as number));
    at += lengths[i] as number;
    if (cut && cut.events[nextCut] === i) {
      nextCut++;
      around ??= cutAround(events[cut.template]?.data ?? '', cut);
      data = around.before + data + around.after;
    }
    const name = names?.[i];
    events.push(name === undefined || name === null ? { data } : { event: name, data });
  }
  return events;
}
