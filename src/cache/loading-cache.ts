// An in-process LRU whose misses load the value once however many callers ask at the same time, and whose
// forget() also stops a load already in flight from putting a stale value back (a revocation that overtook it).
import { LRUCache } from 'lru-cache';

export interface LoadingCacheOptions<V> {
  max: number;
  ttlMs: number;
  /** A shorter life for some values (unknown API keys, say). */
  ttlFor?: (value: V) => number | undefined;
}

export class LoadingCache<V extends {}> {
  private readonly cache: LRUCache<string, V>;
  private readonly loading = new Map<string, Promise<V>>();

  constructor(private readonly options: LoadingCacheOptions<V>) {
    // Bounded by maxSize with every entry counting 1, not by max: given max, lru-cache allocates its arrays for every
    // slot up front (about 4 MB per 100,000), resident whether the slots are used or not; this way they grow with use.
    this.cache = new LRUCache<string, V>({ maxSize: options.max, sizeCalculation: () => 1, ttl: options.ttlMs });
  }

  /** The cached value, without loading: lets hot paths skip a promise on a hit. */
  peek(key: string): V | undefined {
    return this.cache.get(key);
  }

  get(key: string, load: () => Promise<V>): Promise<V> {
    const cached = this.cache.get(key);
    if (cached !== undefined) return Promise.resolve(cached);
    const inFlight = this.loading.get(key);
    if (inFlight) return inFlight;
    const pending: Promise<V> = load().then(
      (value) => {
        // Only the load still registered may fill the cache: forget() unregisters one that a change overtook.
        if (this.loading.get(key) === pending) {
          this.loading.delete(key);
          const ttl = this.options.ttlFor?.(value);
          this.cache.set(key, value, ttl === undefined ? {} : { ttl });
        }
        return value;
      },
      (error: unknown) => {
        if (this.loading.get(key) === pending) this.loading.delete(key);
        throw error;
      },
    );
    this.loading.set(key, pending);
    return pending;
  }

  /** Forgets every value, and stops every load in flight from putting one back. */
  clear(): void {
    this.cache.clear();
    this.loading.clear();
  }

  forget(key: string): void {
    this.cache.delete(key);
    this.loading.delete(key);
  }
}
