// Tells a write that failed because of a record (the database will refuse it however often it is retried) from one
// that failed because the database could not be reached or was busy (a retry will do). Decided on the error's code:
// PostgreSQL's SQLSTATE class, SQLite's result code; anything unrecognised counts as transient, so that an outage
// never sets records aside.

// PostgreSQL: 21 cardinality violation, 22 data exception (a NUL byte: 22021, a number out of range: 22003, a value
// too long: 22001), 23 integrity constraint violation; 54000 is a value too large for an index. Connection failures
// (08), shutdowns and terminated backends (57P), lack of resources (53), serialisation failures (40) are transient.
const POSTGRES_RECORD_CLASSES = ['21', '22', '23'];
const POSTGRES_RECORD_CODES = ['54000'];
// SQLite: constraint violations, a value too big, a datatype mismatch. BUSY, LOCKED, IOERR, FULL, … are transient.
const SQLITE_RECORD_CODES = /^SQLITE_(CONSTRAINT|TOOBIG|MISMATCH|RANGE)/;
// better-sqlite3 refuses to bind a value of another type (an object, a boolean) before SQLite sees it.
const UNBINDABLE_VALUE = /can only bind numbers, strings, bigints, buffers, and null/;

export interface WriteErrorDetails {
  message: string;
  code?: string | undefined;
  name?: string | undefined;
}

export function describeWriteError(error: unknown): WriteErrorDetails {
  if (!(error instanceof Error)) return { message: String(error) };
  const code = (error as { code?: unknown }).code;
  return { message: error.message, code: typeof code === 'string' ? code : undefined, name: error.name };
}

/** An Error carrying the details of one that happened elsewhere (the writer worker), for isRecordError to read. */
export function rebuildWriteError(details: WriteErrorDetails): Error {
  const error = new Error(details.message) as Error & { code?: string };
  if (details.name !== undefined) error.name = details.name;
  if (details.code !== undefined) error.code = details.code;
  return error;
}

export function isRecordError(error: unknown): boolean {
  const { message, code, name } = describeWriteError(error);
  if (code !== undefined) {
    if (code.startsWith('SQLITE_')) return SQLITE_RECORD_CODES.test(code);
    if (/^[0-9A-Z]{5}$/.test(code)) return POSTGRES_RECORD_CLASSES.includes(code.slice(0, 2)) || POSTGRES_RECORD_CODES.includes(code);
    return false;
  }
  return name === 'TypeError' && UNBINDABLE_VALUE.test(message);
}
