// The last value a query answered, kept while a newer question fails (the server unreachable, say), so a page shows
// the data it last had instead of nothing.
import { useState } from 'react';

export function useRetained<T>(value: T | undefined): T | undefined {
  const [retained, setRetained] = useState(value);
  if (value !== undefined && value !== retained) setRetained(value);
  return value ?? retained;
}
