// Bounded waits for tests: each gives up after a stated time and leaves the verdict to an assertion with a message,
// so a test fails saying what it was waiting for instead of running into the test timeout.

/**
 * Reads `observe()` until `done` accepts the value or `withinMs` has passed, and returns the last value read: the
 * caller asserts on it (`expect(await pollUntil(...), 'what was expected').toBe(...)`).
 */
export async function pollUntil<T>(
  observe: () => T | Promise<T>,
  done: (value: T) => boolean,
  { withinMs, everyMs = 20 }: { withinMs: number; everyMs?: number },
): Promise<T> {
  const deadline = Date.now() + withinMs;
  let value = await observe();
  while (!done(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, everyMs));
    value = await observe();
  }
  return value;
}

/** `promise`, or a rejection with the message `failure()` if it has not settled within `ms`. */
export function within<T>(promise: Promise<T>, ms: number, failure: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(failure())), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Whether `promise` settled within `ms`: for `expect(await settledWithin(closed, 10_000), 'what did not happen').toBe(true)`. */
export function settledWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  const settled = promise.then(
    () => true,
    () => true,
  );
  return within(settled, ms, () => 'not settled').catch(() => false);
}
