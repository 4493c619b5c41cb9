// pino, with anything that could hold a secret redacted.
import { type DestinationStream, type Logger, pino } from 'pino';

export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service: 'shuttle' },
    redact: {
      paths: ['req.headers.authorization', '*.authorization', '*.apiKey', '*.password', '*.secret', '*.masterKey', '*.token'],
      censor: '[redacted]',
    },
  };
  // Asynchronous writes to stdout: while one write is in flight the next lines queue and go out together, so under
  // load a request's log line does not cost a system call of its own. serve flushes them before the process exits.
  return pino(options, destination ?? pino.destination({ dest: 1, sync: false }));
}

export type { Logger };
