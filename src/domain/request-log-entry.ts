// What a request log entry holds besides its usage event: the level it was kept at, each upstream attempt, the
// request's tags, and (at level `full`) the body as the client sent it and the answer as captured on the way out.
import { CHOICES_KEY, ContentTemplate } from './content-template.js';

export type RequestLogLevel = 'full' | 'metadata' | 'off';

export const REQUEST_LOG_LEVELS: readonly RequestLogLevel[] = ['full', 'metadata', 'off'];

/** The lower of two levels: a request may lower its tenant's level for itself, never raise it. */
export function lowerLevel(tenant: RequestLogLevel, requested: RequestLogLevel | undefined): RequestLogLevel {
  if (requested === undefined) return tenant;
  return REQUEST_LOG_LEVELS.indexOf(requested) > REQUEST_LOG_LEVELS.indexOf(tenant) ? requested : tenant;
}

/** The level an `x-shuttle-log` header names; anything else is ignored (it can only lower, so a typo keeps more). */
export function requestedLevel(header: unknown): RequestLogLevel | undefined {
  return header === 'metadata' || header === 'off' || header === 'full' ? header : undefined;
}

/** One try of one routing target, in the order routing made them. */
export interface UpstreamAttempt {
  provider: string;
  model: string | null;
  /** The upstream's HTTP status; null when none came (a timeout, a refused connection). */
  status: number | null;
  /** performance.now() when the try began (for span export); not stored. */
  startedAt: number;
  latencyMs: number;
  errorCode: string | null;
  errorMessage: string | null;
}

/**
 * The answer as the client got it, captured by reference on the way out and turned into one JSON object only when the
 * entry is written: the JSON text of a plain answer, an object built for the client (a Responses response), or the
 * events of a stream (OpenAI chat chunks, or Anthropic's named events), reassembled by assembleAnswer().
 */
export type CapturedAnswer =
  | { kind: 'json'; text: string }
  | { kind: 'object'; value: unknown }
  | { kind: 'events'; events: StreamEvent[] }
  | PackedEvents;

/**
 * A stream's events once it has ended, packed as the entry is queued: their data one after another in one string, each
 * one's length, and their names (Anthropic's) when any has one. Kept until the entry's batch goes to the writer, one
 * string and an array of numbers outlive a young-generation collection more cheaply than every event and the chunks
 * of the upstream's answer that their data are slices of. The chunks that only add a content (most of an OpenAI
 * stream) are cut down to their content (`cut`): a quarter of the characters to keep, copy and send to the writer.
 */
export interface PackedEvents {
  kind: 'packed-events';
  text: string;
  lengths: number[];
  names: (string | null)[] | null;
  /** Absent in entries spilled by a version that did not cut. */
  cut?: CutContents | null | undefined;
}

/**
 * Events whose data in a PackedEvents is their content only: the text before and after it is that of the content
 * template (ContentTemplate) found in the data of event `template`, whose first `before` and last `after` characters
 * it is. `events`: their indexes, in order. `fronted`: the indexes of other chunks packed without the text they share
 * with the template before its `"choices":` (id, object, created, model, fingerprint), its first `front` characters.
 */
export interface CutContents {
  template: number;
  before: number;
  after: number;
  events: number[];
  /** Absent in entries spilled by a version that cut contents only. */
  front?: number | undefined;
  fronted?: number[] | undefined;
}

export interface StreamEvent {
  /** The SSE event name (Anthropic's streams name each event); absent for OpenAI chat chunks. */
  event?: string | undefined;
  data: string;
}

/** A captured stream packed (PackedEvents), its content-only chunks cut down to their content; any other answer as it is. */
export function packAnswer(answer: CapturedAnswer | null): CapturedAnswer | null {
  return answer === null || answer.kind !== 'events' ? answer : packEvents(answer.events);
}

/** A stream's events packed, the chunks that only add a content to the same choice cut down to their content. */
export function packEvents(events: readonly StreamEvent[]): PackedEvents {
  const data = new Array<string>(events.length);
  const lengths = new Array<number>(events.length);
  let names: (string | null)[] | null = null;
  let template: ContentTemplate | undefined;
  let templateAt = -1;
  const cutEvents: number[] = [];
  for (let i = 0; i < events.length; i++) {
    const event = events[i] as StreamEvent;
    let text = event.data;
    if (event.event !== undefined) {
      names ??= new Array<string | null>(events.length).fill(null);
      names[i] = event.event;
    } else {
      const content = template?.writtenContentOf(text);
      if (content !== undefined) {
        text = content;
        cutEvents.push(i);
      } else if (cutEvents.length === 0) {
        // Until a chunk has been cut with it, a template gives way to the next chunk that could be one.
        const candidate = ContentTemplate.of(text);
        if (candidate !== undefined) {
          template = candidate;
          templateAt = i;
        }
      }
    }
    data[i] = text;
    lengths[i] = text.length;
  }
  if (template === undefined || cutEvents.length === 0) return { kind: 'packed-events', text: data.join(''), lengths, names, cut: null };
  const front = frontOf(template.before);
  const fronted: number[] = [];
  if (front !== undefined) {
    let nextCut = 0;
    for (let i = 0; i < data.length; i++) {
      if (cutEvents[nextCut] === i) {
        nextCut++;
        continue;
      }
      const text = data[i] as string;
      if (i === templateAt || names?.[i] || text.length <= front.length || text.slice(0, front.length) !== front) continue;
      data[i] = text.slice(front.length);
      lengths[i] = text.length - front.length;
      fronted.push(i);
    }
  }
  const cut: CutContents = { template: templateAt, before: template.before.length, after: template.after.length, events: cutEvents };
  if (fronted.length > 0) {
    cut.front = (front as string).length;
    cut.fronted = fronted;
  }
  // join() makes one flat string: the events' data, and the upstream chunks they are slices of, can die young.
  return { kind: 'packed-events', text: data.join(''), lengths, names, cut };
}

/** The text a template's chunk starts with before its `"choices":` — the same in each chunk of most streams. */
function frontOf(before: string): string | undefined {
  const at = before.indexOf(CHOICES_KEY) - 1;
  return at > 0 && before.charCodeAt(at) === 0x22 ? before.slice(0, at) : undefined;
}

/** The events a PackedEvents holds, as they came (the cut ones whole again). */
export function unpackEvents(packed: Omit<PackedEvents, 'kind'>): StreamEvent[] {
  const { names, cut } = packed;
  const events: StreamEvent[] = [];
  let around: { before: string; after: string } | undefined;
  forEachPacked(packed, (packedData, isCut, i) => {
    let data = packedData;
    if (isCut && cut) {
      around ??= cutAround(events[cut.template]?.data ?? '', cut);
      data = around.before + data + around.after;
    }
    const name = names?.[i];
    events.push(name === undefined || name === null ? { data } : { event: name, data });
  });
  return events;
}

/**
 * Calls `visit` with each event's data, in order: a cut event's content only (`isCut`), a chunk packed without the
 * front it shared with the template made whole again (`packedData`: as packed, without it).
 */
export function forEachPacked(
  { text, lengths, cut }: Omit<PackedEvents, 'kind'>,
  visit: (data: string, isCut: boolean, index: number, packedData: string) => void,
): void {
  let front = '';
  if (cut?.front !== undefined && cut.fronted !== undefined) {
    let templateAt = 0;
    for (let i = 0; i < cut.template; i++) templateAt += lengths[i] as number;
    front = text.slice(templateAt, templateAt + cut.front);
  }
  let at = 0;
  let nextCut = 0;
  let nextFronted = 0;
  for (let i = 0; i < lengths.length; i++) {
    const length = lengths[i] as number;
    const isCut = cut?.events[nextCut] === i;
    if (isCut) nextCut++;
    const data = text.slice(at, at + length);
    if (cut?.fronted?.[nextFronted] === i) {
      nextFronted++;
      visit(front + data, false, i, data);
    } else visit(data, isCut, i, data);
    at += length;
  }
}

/** The text before and after the cut events' contents: the start and end of the template event's data. */
export function cutAround(templateData: string, cut: CutContents): { before: string; after: string } {
  return { before: templateData.slice(0, cut.before), after: templateData.slice(templateData.length - cut.after) };
}

export interface RequestLogSettings {
  level: RequestLogLevel;
  retentionDays: number;
}

export const DEFAULT_REQUEST_LOG_RETENTION_DAYS = 30;

/** A tenant's request log settings from its stored settings; a tenant that never chose a level has the deployment's. */
export function requestLogSettings(settings: Record<string, unknown>, defaultLevel: RequestLogLevel): RequestLogSettings {
  const stored = (settings.requestLog ?? {}) as { level?: unknown; retentionDays?: unknown };
  const level = REQUEST_LOG_LEVELS.includes(stored.level as RequestLogLevel) ? (stored.level as RequestLogLevel) : defaultLevel;
  const days = stored.retentionDays;
  return { level, retentionDays: typeof days === 'number' && days > 0 ? days : DEFAULT_REQUEST_LOG_RETENTION_DAYS };
}
