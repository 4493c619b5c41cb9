// Cursors for lists ordered newest first by (created_at, id): `<created_at>:<id>` of the last row of a page.
import { InvalidRequestError } from '../errors/shuttle-error.js';

export interface KeysetPosition {
  at: number;
  id: string;
}

export function encodeCursor(position: KeysetPosition): string {
  return `${position.at}:${position.id}`;
}

export function decodeCursor(cursor: string | undefined): KeysetPosition | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  const separator = cursor.indexOf(':');
  const at = Number(cursor.slice(0, separator));
  if (separator < 1 || !Number.isInteger(at)) throw new InvalidRequestError('The cursor is not one this API returned.', 'cursor');
  return { at, id: cursor.slice(separator + 1) };
}
