// pino, with anything that could hold a secret redacted.
//
// The redaction is ours rather than pino's `redact` option: pino's wildcard paths (`*.token`) run every value of every
// line and of every per-request child logger through a general path redactor, dear on every request's access line
// (docs/benchmarks.md); these functions look at each value's keys once and copy only what they censor. They see what is
// logged, not a child logger's bindings: the only child Shuttle makes is Fastify's per-request one, bound to the
// request id.
import { type DestinationStream, type Logger, pino } from 'pino';

/** Fields censored at the top of a log line, one level down (`{ headers: { authorization } }`), and in `req.headers`. */
const SECRET_FIELDS = new Set(['authorization', 'apiKey', 'password', 'secret', 'masterKey', 'token']);
const CENSOR = '[redacted]';

function censorFields<T extends object>(value: T): T {
  let copy: Record<string, unknown> | undefined;
  for (const key in value) {
    if (SECRET_FIELDS.has(key)) {
      copy ??= { ...(value as Record<string, unknown>) };
      copy[key] = CENSOR;
    }
  }
  return (copy as T | undefined) ?? value;
}

function censorValue(key: string, value: unknown): unknown {
  if (SECRET_FIELDS.has(key)) return CENSOR;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const censored = censorFields(value);
  if (key !== 'req') return censored;
  const headers = (censored as { headers?: unknown }).headers;
  if (headers === null || typeof headers !== 'object') return censored;
  const censoredHeaders = censorFields(headers);
  return censoredHeaders === headers ? censored : { ...censored, headers: censoredHeaders };
}

/** The log object with secrets censored; the object itself when it holds none. Never mutates it. */
export function redactSecrets(object: Record<string, unknown>): Record<string, unknown> {
  let result = object;
  for (const key in object) {
    const value = object[key];
    // `err` is left to its serializer, which runs after this and keeps the error's message and stack.
    const censored = key === 'err' && value instanceof Error ? value : censorValue(key, value);
    if (censored !== value) {
      if (result === object) result = { ...object };
      result[key] = censored;
    }
  }
  return result;
}

export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service: 'shuttle' },
    formatters: { log: redactSecrets },
    serializers: { err: (error: Error) => redactSecrets(pino.stdSerializers.err(error) as unknown as Record<string, unknown>) },
  };
  // Asynchronous writes to stdout: while one write is in flight the next lines queue and go out together, so under
  // load a request's log line does not cost a system call of its own. serve flushes them before the process exits.
  return pino(options, destination ?? pino.destination({ dest: 1, sync: false }));
}

export type { Logger };
