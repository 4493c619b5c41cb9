// What a request log entry holds besides its usage event: the level it was kept at, each upstream attempt, the
// request's tags, and (at level `full`) the body as the client sent it and the answer as captured on the way out.
import { type LengthsPackedEvents, type PackedEvents, packEvents, type StreamEvent, unpackLengthsPacked } from './packed-stream.js';

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

/** A captured stream packed (packed-stream.ts); any other answer as it is. */
export function packAnswer(answer: CapturedAnswer | null): CapturedAnswer | null {
  if (answer === null) return null;
  if (answer.kind === 'events') return packEvents(answer.events) ?? answer;
  // Packed by an earlier version (a spill file, a dead letter): packed again as this one packs.
  if (answer.kind === 'packed-events' && 'lengths' in answer) {
    const events = unpackLengthsPacked(answer as unknown as LengthsPackedEvents);
    return packEvents(events) ?? { kind: 'events', events };
  }
  return answer;
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
