// Whether the server answered the last call: a fetch that fails outright (server down, network gone) marks it
// unreachable, any answer — even an error — marks it reachable again. Pages keep their last data meanwhile.
import { useSyncExternalStore } from 'react';

let reachable = true;
const listeners = new Set<() => void>();

function set(value: boolean): void {
  if (value === reachable) return;
  reachable = value;
  for (const listener of listeners) listener();
}

/** fetch, noting whether the server could be reached. */
export async function trackedFetch(input: Request): Promise<Response> {
  try {
    const response = await fetch(input);
    set(true);
    return response;
  } catch (error) {
    // fetch rejects with a TypeError only when no answer came back at all; an abort is the caller's own doing.
    if (error instanceof TypeError) set(false);
    throw error;
  }
}

export function useServerReachable(): boolean {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => reachable,
  );
}
