// The request log entry of a metered request, handed to the request log as its usage event is recorded: references
// to the body the client sent and the answer as it went out (serialised later, by the writer), never its headers.
import type { FastifyRequest } from 'fastify';
import { promptText } from '../domain/logged-answer.js';
import { lowerLevel, packAnswer, requestedLevel } from '../domain/request-log-entry.js';
import type { RequestMeter } from '../metering/request-meter.js';
import type { Runtime } from '../runtime.js';
import type { UsageEvent } from '../store/repositories/usage-events.js';
import { LOG_HEADER } from './proxy-request.js';

/** Tags a client may give a request: a JSON object of strings in this header, or OpenAI's `metadata` in the body. */
export const METADATA_HEADER = 'x-shuttle-metadata';

const MAX_TAGS = 16;
const MAX_TAG_CHARS = 512;

export function recordLogEntry(runtime: Runtime, request: FastifyRequest, meter: RequestMeter, event: UsageEvent): void {
  const level =
    meter.logLevel ??
    lowerLevel(
      runtime.tenantConfigs.peek(event.tenantId)?.requestLog.level ?? runtime.config.requestLog.defaultLevel,
      requestedLevel(request.headers[LOG_HEADER]),
    );
  if (level === 'off') return;
  const full = level === 'full';
  runtime.requestLog.record({
    event,
    level,
    attempts: meter.attemptLog,
    metadata: tagsOf(request),
    request: full ? request.clientJson : null,
    prompt: full ? promptText(request.body) : null,
    answer: full ? packAnswer(meter.answer) : null,
  });
}

function tagsOf(request: FastifyRequest): Record<string, string> | null {
  const header = request.headers[METADATA_HEADER];
  if (typeof header === 'string') {
    try {
      return stringEntries(JSON.parse(header));
    } catch {
      return null;
    }
  }
  const body = request.body as { metadata?: unknown } | null | undefined;
  return typeof body === 'object' && body !== null ? stringEntries(body.metadata) : null;
}

function stringEntries(value: unknown): Record<string, string> | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const tags: Record<string, string> = {};
  let count = 0;
  for (const [key, tag] of Object.entries(value)) {
    if (typeof tag !== 'string' || count >= MAX_TAGS) continue;
    tags[key.slice(0, MAX_TAG_CHARS)] = tag.slice(0, MAX_TAG_CHARS);
    count++;
  }
  return count === 0 ? null : tags;
}
