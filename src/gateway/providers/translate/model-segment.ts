// A model name as one segment of an upstream URL's path: percent-encoded, and never `.` or `..`, which URL parsing
// would resolve (`%2e%2e` too) — the client's text must not move a request, and its key, to another endpoint.
import { InvalidRequestError } from '../../../errors/shuttle-error.js';

export function modelSegment(model: string): string {
  if (model === '.' || model === '..') throw new InvalidRequestError(`"${model}" is not a model name.`, 'model');
  return encodeURIComponent(model);
}
