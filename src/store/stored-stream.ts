// A streamed answer as the request log stores it: its events as packed on the request path (PackedEvents), each after
// a control character saying how it was packed — reassembled into the answer when the entry is read, not as it is
// written. An entry is written for every request and read for few: reassembly parses chunks and serialises the
// answer, most of what a stream's entry at level `full` would cost to write (docs/benchmarks.md).
import { type CutContents, forEachPacked, type PackedEvents } from '../domain/request-log-entry.js';

// ASCII's record separator: neither JSON text (an answer stored as it is) nor gzip's magic bytes start with it.
const MARK = '\u001e';
const VERSION = 1;
// Before each event's data, what it is. JSON escapes every control character in its strings and allows none but
// whitespace outside them, so these are found in no chunk; a stream with one anywhere is not stored this way.
const WHOLE = '\u001f';
const CUT = '\u001d';
const FRONTED = '\u001c';
// Before a named event (Anthropic's), its name, then one of the above.
const NAMED = '\u001b';
const SEPARATOR_AT = new RegExp(`[${WHOLE}${CUT}${FRONTED}${NAMED}]`, 'g');

/** What a stored stream's header line holds: the content template's place (PackedEvents' `cut`) and no more. */
interface StoredStreamHeader {
  v: number;
  cut: Omit<CutContents, 'events' | 'fronted'> | null;
}

/**
 * The text a stream is stored as — the mark, a header line, then each event after its separator — or undefined when
 * an event's data or name holds a separator (no JSON chunk does): such a stream is reassembled as it is written.
 */
export function storedStreamText(packed: PackedEvents): string | undefined {
  const { names, cut } = packed;
  if (holdsSeparator(packed.text) || names?.some((name) => name !== null && holdsSeparator(name))) return undefined;
  const header: StoredStreamHeader = {
    v: VERSION,
    cut: cut ? { template: cut.template, before: cut.before, after: cut.after, front: cut.front } : null,
  };
  const parts = [MARK, JSON.stringify(header), '\n'];
  let nextFronted = 0;
  forEachPacked(packed, (data, isCut, index, packedData) => {
    const name = names?.[index];
    if (name !== undefined && name !== null) parts.push(NAMED, name);
    if (isCut) parts.push(CUT, data);
    else if (cut?.fronted?.[nextFronted] === index) {
      nextFronted++;
      parts.push(FRONTED, packedData);
    } else parts.push(WHOLE, data);
  });
  return parts.join('');
}

/** Four searches for one character each: a tenth of what a regular expression's character class costs to scan with. */
function holdsSeparator(text: string): boolean {
  return text.includes(WHOLE) || text.includes(CUT) || text.includes(FRONTED) || text.includes(NAMED);
}

/** The packed stream a stored text holds; undefined for any other text (an answer stored as JSON). */
export function parseStoredStream(stored: string): PackedEvents | undefined {
  if (!stored.startsWith(MARK)) return undefined;
  const end = stored.indexOf('\n');
  if (end === -1) return undefined;
  let header: StoredStreamHeader;
  try {
    header = JSON.parse(stored.slice(MARK.length, end)) as StoredStreamHeader;
  } catch {
    return undefined;
  }
  if (header.v !== VERSION) return undefined;
  const data: string[] = [];
  const lengths: number[] = [];
  const eventNames: (string | null)[] = [];
  const cutEvents: number[] = [];
  const fronted: number[] = [];
  let named = false;
  let name: string | null = null;
  let kind = '';
  let at = end + 1;
  SEPARATOR_AT.lastIndex = at;
  for (;;) {
    const match = SEPARATOR_AT.exec(stored);
    const next = match === null ? stored.length : match.index;
    const text = stored.slice(at, next);
    if (kind === NAMED) name = text;
    else if (kind !== '') {
      const index = data.length;
      if (kind === CUT) cutEvents.push(index);
      else if (kind === FRONTED) fronted.push(index);
      data.push(text);
      lengths.push(text.length);
      eventNames.push(name);
      named ||= name !== null;
      name = null;
    }
    if (match === null) break;
    kind = match[0];
    at = next + 1;
  }
  const cut: CutContents | null = header.cut === null ? null : { ...header.cut, events: cutEvents };
  if (cut !== null && fronted.length > 0) cut.fronted = fronted;
  return { kind: 'packed-events', text: data.join(''), lengths, names: named ? eventNames : null, cut };
}
