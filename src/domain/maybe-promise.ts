// Values that are ready at once on the hot path's common case (a cache hit, counters in memory) and a promise
// otherwise: one type for them and one way to go on from one, so that the common case takes no turn of the microtask
// queue and no promise is allocated for it.

/** A value, or a promise of one when it first has to be loaded or asked of another process. */
export type MaybePromise<T> = T | Promise<T>;

export function isPromise<T>(value: MaybePromise<T>): value is Promise<T> {
  return value instanceof Promise;
}

/**
 * `next(value)` at once for a value, after it settles for a promise; a promise's rejection passes through. Not named
 * `then`: a module exporting `then` is a thenable, which `await import()` would call.
 */
export function andThen<T, U>(value: MaybePromise<T>, next: (value: T) => MaybePromise<U>): MaybePromise<U> {
  return value instanceof Promise ? value.then(next) : next(value);
}
