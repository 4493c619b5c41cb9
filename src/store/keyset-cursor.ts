// Cursors for lists ordered newest first by (created_at, id): `<created_at>:<id>` of the last row of a page.
import { InvalidRequestError } from '../errors/shuttle-error.js';

export interface KeysetPosition {
  at: number;
  id: string;
}

export function encodeCursor(position: KeysetPosition): string {
  return `${position.at}:${position.id}`;
}

/** A time in milliseconds (at most 15 digits: exact, and within every database's integers) and an id as ids.ts makes them. */
const CURSOR = /^(\d{1,15}):([A-Za-z0-9_]{1,64})$/;

export function decodeCursor(cursor: string | undefined): KeysetPosition | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  const match = CURSOR.exec(cursor);
  if (match === null) throw new InvalidRequestError('The cursor is not one this API returned.', 'cursor');
  return { at: Number(match[1]), id: match[2] as string };
}
