// Tells an error that means "the database cannot be reached just now" (refused or cut connections, a server shutting
// down or starting up, a pool that cannot get a connection in time, SQLite's lock held too long) from every other
// failure, so that a request that needed the database during an outage is answered 503 with Retry-After — the client
// may retry — rather than 500.

// PostgreSQL SQLSTATEs: class 08 (connection exception), 57P01-57P03 (terminated by an administrator, crash shutdown,
// cannot connect now: starting up or shutting down), 53300 (too many connections).
const POSTGRES_UNAVAILABLE = /^(08[0-9A-Z]{3}|57P0[1-3]|53300)$/;
// Node's socket errors, also on the AggregateError of a connection tried on several addresses.
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
const SQLITE_UNAVAILABLE = new Set(['SQLITE_BUSY', 'SQLITE_LOCKED']);
// pg reports these without a code.
const PG_MESSAGES = [
  /^Connection terminated/,
  /^timeout exceeded when trying to connect/,
  /^Client has encountered a connection error and is not queryable/,
  /^Client was closed and is not queryable/,
  /^Query read timeout/,
];

/** Read on the error itself, as pg and better-sqlite3 throw it: a cause is not followed, since a failed fetch (to a
 * tenant's MCP server, say) carries its socket error there and is no database's. */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (POSTGRES_UNAVAILABLE.test(code) || SOCKET_CODES.has(code) || SQLITE_UNAVAILABLE.has(code))) return true;
  return PG_MESSAGES.some((message) => message.test(error.message));
}
