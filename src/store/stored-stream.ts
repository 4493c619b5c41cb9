// A streamed answer as the request log stores it: its events as packed on the request path (domain/packed-stream.ts),
// after a header line — reassembled into the answer when the entry is read, not as it is written. An entry is written
// for every request and read for few: reassembly parses chunks and serialises the answer, most of what a stream's
// entry at level `full` would cost to write (docs/benchmarks.md).
import type { PackedCut, PackedEvents } from '../domain/packed-stream.js';

// ASCII's record separator: neither JSON text (an answer stored as it is) nor gzip's magic bytes start with it.
const MARK = '\u001e';
const VERSION = 1;

interface StoredStreamHeader {
  v: number;
  cut: PackedCut | null;
}

/**
 * The text a stream is stored as: the mark, its header's JSON, a newline, then its packed events. The header is
 * written out rather than JSON.stringify'd: the same few integers for every stream, where stringify cost a tenth of
 * building the whole row.
 */
export function storedStreamText(packed: PackedEvents): string {
  return storedStreamHead(packed) + packed.text;
}

/** What storedStreamText() puts before the packed events: the mark, the header and the newline, all ASCII. */
export function storedStreamHead({ cut }: Pick<PackedEvents, 'cut'>): string {
  const header = cut === null ? 'null' : `{"before":${integer(cut.before)},"after":${integer(cut.after)},"front":${integer(cut.front)}}`;
  return `${MARK}{"v":${VERSION},"cut":${header}}\n`;
}

function integer(value: number): number {
  if (!Number.isSafeInteger(value)) throw new Error(`a packed stream's cut is not an integer: ${value}`);
  return value;
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
  if (header.v !== VERSION || typeof header.cut !== 'object') return undefined;
  return { kind: 'packed-events', text: stored.slice(end + 1), cut: header.cut };
}
