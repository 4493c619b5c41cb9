// Refuses, at the edge, text the database cannot store — a NUL character (PostgreSQL's text refuses it) or an
// unpaired UTF-16 surrogate (not valid UTF-8) — in the URL's path and query and in JSON bodies, and JSON nested too
// deep to walk safely: a client's mistake is a 400 here, never a 500 from a query or a record the writers can't save.
import type { FastifyInstance } from 'fastify';
import { ShuttleError } from '../../errors/shuttle-error.js';

/** Deeper than any request body Shuttle takes; deep enough for any metadata or parameters a person writes. */
export const MAX_JSON_DEPTH = 64;

/**
 * Whether a JSON text has a \u escape that could decode to NUL or to a surrogate: the only way either can reach a
 * parsed value, since JSON forbids raw control characters in strings and the body was decoded from UTF-8 (which
 * cannot carry a surrogate). A match may be a false alarm (`\\u0000`, an escaped backslash); the walk decides.
 */
const SUSPECT_ESCAPE = /\\u(?:0000|d[89a-f])/i;

export function mayHoldUnstorableText(json: string): boolean {
  return SUSPECT_ESCAPE.test(json);
}

function isUnstorable(text: string): boolean {
  return text.includes('\u0000') || !text.isWellFormed();
}

/** The path to the first string (value or key) that cannot be stored, or undefined when there is none. */
function unstorablePath(value: unknown, depth: number): string[] | undefined {
  if (typeof value === 'string') return isUnstorable(value) ? [] : undefined;
  if (typeof value !== 'object' || value === null || depth > MAX_JSON_DEPTH) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const path = unstorablePath(value[i], depth + 1);
      if (path) return [String(i), ...path];
    }
    return undefined;
  }
  for (const key in value) {
    if (isUnstorable(key)) return [key];
    const path = unstorablePath((value as Record<string, unknown>)[key], depth + 1);
    if (path) return [key, ...path];
  }
  return undefined;
}

/** Whether objects and arrays nest deeper than `levelsLeft`; looks no deeper than that, so it cannot exhaust the stack. */
function nestsDeeper(value: object, levelsLeft: number): boolean {
  if (levelsLeft === 0) return true;
  if (Array.isArray(value)) {
    for (const item of value) if (typeof item === 'object' && item !== null && nestsDeeper(item, levelsLeft - 1)) return true;
    return false;
  }
  for (const key in value) {
    const item = (value as Record<string, unknown>)[key];
    if (typeof item === 'object' && item !== null && nestsDeeper(item, levelsLeft - 1)) return true;
  }
  return false;
}

/** The error for a parsed JSON body Shuttle refuses, or null; `suspect` from mayHoldUnstorableText on its text. */
export function refusedJson(value: unknown, suspect: boolean): ShuttleError | null {
  if (typeof value === 'object' && value !== null && nestsDeeper(value, MAX_JSON_DEPTH)) return new ShuttleError('json_too_deep');
  if (!suspect) return null;
  const path = unstorablePath(value, 0);
  if (path === undefined) return null;
  const param = path.join('.');
  return new ShuttleError('invalid_characters', param === '' ? {} : { param, message: `Invalid value for '${param}': ${MESSAGE}` });
}

const MESSAGE = 'text may not contain NUL characters (\\u0000) or unpaired surrogates (\\ud800-\\udfff): they cannot be stored.';

/** An encoded NUL in the path or the query (a raw one never gets past Node's HTTP parser). */
export function registerUrlTextCheck(app: FastifyInstance): void {
  app.addHook('onRequest', (request, _reply, done) => {
    if (request.url.includes('%00')) {
      done(new ShuttleError('invalid_characters', { message: 'The URL may not contain NUL characters (%00): they cannot be stored.' }));
      return;
    }
    done();
  });
}
