// The response cache (docs/cache.md): decides whether a chat request uses it (the request's x-shuttle-cache header,
// else its routing rule, else the tenant's default; off unless one says use), looks its answer up, and stores
// complete successful answers after they are sent. A store that fails or is slow is a miss, counted in a metric;
// it never fails the request.
import type { Logger } from 'pino';
import type { CacheMode, CachePolicy } from '../../domain/cache-policy.js';
import { MAX_CACHE_TTL_SECONDS } from '../../domain/cache-policy.js';
import type { TokenUsage } from '../../domain/token-usage.js';
import { InvalidRequestError } from '../../errors/shuttle-error.js';
import type { GatewayMetrics } from '../../metering/metrics.js';
import { auditedChange } from '../../store/audited-change.js';
import type { Db } from '../../store/database.js';
import type { Actor } from '../../store/repositories/audit-log.js';
import type { ChatCompletionCreateParams } from '../openai-wire.js';
import type { ChatJsonResult, StreamPart } from '../providers/provider.js';
import type { RoutePlan, RouteTarget } from '../routing/router.js';
import { responseCacheKey } from './cache-key.js';
import type { ResponseCacheStore } from './cache-stores.js';
import { type CachedAnswer, CompletionAssembler, decodeAnswer, encodeAnswer } from './cached-answer.js';

/** What one request asks of the cache (its headers, or a flow run's `cache` field); each part optional. */
export interface CacheRequest {
  mode?: CacheMode | undefined;
  ttlSeconds?: number | undefined;
  namespace?: string | undefined;
}

export const CACHE_HEADER = 'x-shuttle-cache';
export const CACHE_TTL_HEADER = 'x-shuttle-cache-ttl';
export const CACHE_NAMESPACE_HEADER = 'x-shuttle-cache-namespace';
const MAX_NAMESPACE_LENGTH = 256;
const MODES: readonly string[] = ['use', 'refresh', 'off'];
/** A request without cache headers: most of them, answered without an object each. */
const NOTHING_ASKED: CacheRequest = Object.freeze({});

/** The x-shuttle-cache* headers of a request; a malformed one is a 400 naming it. */
export function cacheRequestOf(headers: Record<string, string | string[] | undefined>): CacheRequest {
  const mode = single(headers[CACHE_HEADER]);
  const ttl = single(headers[CACHE_TTL_HEADER]);
  const namespace = single(headers[CACHE_NAMESPACE_HEADER]);
  if (mode === undefined && ttl === undefined && namespace === undefined) return NOTHING_ASKED;
  const request: CacheRequest = {};
  if (mode !== undefined) {
    if (!MODES.includes(mode)) throw new InvalidRequestError(`${CACHE_HEADER} must be use, refresh or off.`, CACHE_HEADER);
    request.mode = mode as CacheMode;
  }
  if (ttl !== undefined) request.ttlSeconds = parseTtl(ttl, CACHE_TTL_HEADER);
  if (namespace !== undefined) {
    if (namespace.length > MAX_NAMESPACE_LENGTH)
      throw new InvalidRequestError(
        `${CACHE_NAMESPACE_HEADER} must be at most ${MAX_NAMESPACE_LENGTH} characters.`,
        CACHE_NAMESPACE_HEADER,
      );
    request.namespace = namespace;
  }
  return request;
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function parseTtl(value: string, param: string): number {
  const seconds = /^\d{1,9}$/.test(value) ? Number(value) : Number.NaN;
  if (!(seconds >= 1 && seconds <= MAX_CACHE_TTL_SECONDS))
    throw new InvalidRequestError(`${param} must be a whole number of seconds from 1 to ${MAX_CACHE_TTL_SECONDS}.`, param);
  return seconds;
}

export interface ResponseCacheOptions {
  maxEntryBytes: number;
  defaultTtlSeconds: number;
  /** The share of a hit's original cost it is charged (0: free). */
  hitCostFraction: number;
}

/** Who asks, and under which defaults. */
export interface CacheScope {
  tenantId: string;
  environment: string;
  tenantPolicy: CachePolicy | null;
  rulePolicy: CachePolicy | undefined;
}

export class ResponseCache {
  constructor(
    readonly store: ResponseCacheStore,
    /** Where clearing the cache is audited. */
    private readonly db: Db,
    private readonly metrics: GatewayMetrics,
    readonly options: ResponseCacheOptions,
    private readonly logger: Logger,
  ) {}

  /**
   * The cache call of a request, or undefined when its mode is off (the request header, else its rule's, else the
   * tenant's). Computing the key is all a request that uses the cache pays before its lookup.
   */
  begin(
    request: CacheRequest,
    scope: CacheScope,
    params: ChatCompletionCreateParams,
    /** The request's route plans (its model's, then its fallbacks'); asked for only when the cache is used. */
    plans: () => readonly RoutePlan[],
  ): CacheCall | undefined {
    const policy = scope.rulePolicy ?? scope.tenantPolicy ?? undefined;
    const mode = request.mode ?? policy?.mode ?? 'off';
    if (mode === 'off') return undefined;
    const ttlSeconds = request.ttlSeconds ?? policy?.ttlSeconds ?? this.options.defaultTtlSeconds;
    const planned = plans();
    const namespace = request.namespace ?? '';
    const key = responseCacheKey({ tenantId: scope.tenantId, environment: scope.environment, namespace }, params, planned);
    return new CacheCall(this, scope.tenantId, key, mode, ttlSeconds, planned);
  }

  /** The answer stored under the key, or undefined (also when the store failed or was too slow: counted). */
  async lookup(tenantId: string, key: string): Promise<CachedAnswer | undefined> {
    let entry: string | undefined;
    try {
      entry = await this.store.get(tenantId, key);
    } catch (error) {
      this.failed('get', error);
      return undefined;
    }
    const answer = entry === undefined ? undefined : decodeAnswer(entry);
    this.metrics.observeCacheLookup(answer ? 'hit' : 'miss');
    return answer;
  }

  /** Stores an answer after the response: never awaited by it, and a failure is only counted. */
  save(tenantId: string, key: string, answer: CachedAnswer, ttlSeconds: number): void {
    const entry = encodeAnswer(answer);
    if (Buffer.byteLength(entry) > this.options.maxEntryBytes) return;
    const write = this.store.set(tenantId, key, entry, answer.createdAt, ttlSeconds).catch((error: unknown) => this.failed('set', error));
    this.writing.add(write);
    void write.finally(() => this.writing.delete(write));
  }

  private readonly writing = new Set<Promise<void>>();

  /** Resolves once the answers being stored now are (tests, and a clean shutdown). */
  async idle(): Promise<void> {
    await Promise.all([...this.writing]);
  }

  /**
   * Deletes the tenant's cached answers (DELETE /cache) and audits it; answers how many. The entries may be in Redis,
   * so the deletion cannot share the audit entry's transaction: the entry is written once they are gone.
   */
  async clear(tenantId: string, actor: Actor): Promise<number> {
    const deleted = await this.store.clear(tenantId);
    await auditedChange(this.db, (_trx, audit) =>
      audit(tenantId, actor, { action: 'cache.cleared', targetType: 'tenant', targetId: tenantId, details: { deleted } }),
    );
    return deleted;
  }

  observeRefresh(): void {
    this.metrics.observeCacheLookup('refresh');
  }

  /** What a hit costs the tenant, and what it saves. */
  hitCost(originalMicros: number): { charged: number; saved: number } {
    const charged = Math.round(originalMicros * this.options.hitCostFraction);
    return { charged, saved: originalMicros - charged };
  }

  private failed(operation: 'get' | 'set', error: unknown): void {
    this.metrics.observeCacheFailure(this.store.name, operation);
    this.logger.debug({ err: error, store: this.store.name, operation }, 'response cache call failed');
  }
}

/** One request's use of the cache: its key, and storing its answer once complete. */
export class CacheCall {
  constructor(
    private readonly cache: ResponseCache,
    readonly tenantId: string,
    readonly key: string,
    readonly mode: 'use' | 'refresh',
    readonly ttlSeconds: number,
    readonly plans: readonly RoutePlan[],
  ) {}

  /** The cached answer; a refresh never reads one. */
  lookup(): Promise<CachedAnswer | undefined> | undefined {
    if (this.mode === 'refresh') {
      this.cache.observeRefresh();
      return undefined;
    }
    return this.cache.lookup(this.tenantId, this.key);
  }

  /** Stores a plain (not streamed) answer. */
  storeJson(result: ChatJsonResult, target: RouteTarget, costMicros: number): void {
    if (result.body.length > this.cache.options.maxEntryBytes) return;
    this.cache.save(this.tenantId, this.key, answerOf(result.body, result.model, target, result.usage, costMicros), this.ttlSeconds);
  }

  /**
   * Passes a stream through, adding its chunks up; once it has ended complete (every choice finished, no failure,
   * the client still there) the completion they make is stored. One that outgrows the size cap stops being added up.
   */
  recording(
    parts: AsyncIterableIterator<StreamPart>,
    target: RouteTarget,
    finished: () => { usage: TokenUsage; costMicros: number; model: string },
  ): AsyncIterableIterator<StreamPart> {
    let assembler: CompletionAssembler | undefined = new CompletionAssembler();
    let bytes = 0;
    const limit = this.cache.options.maxEntryBytes;
    const recorded: AsyncIterableIterator<StreamPart> = {
      next: () =>
        parts.next().then((result) => {
          if (assembler === undefined) return result;
          if (result.done) {
            const body = assembler.completion();
            assembler = undefined;
            if (body !== undefined) {
              const { usage, costMicros, model } = finished();
              this.cache.save(this.tenantId, this.key, answerOf(body, model, target, usage, costMicros), this.ttlSeconds);
            }
            return result;
          }
          bytes += result.value.data.length;
          if (bytes > limit) assembler = undefined;
          else assembler.add(result.value.data);
          return result;
        }),
      return: (value?: unknown) => {
        assembler = undefined;
        return parts.return ? parts.return(value) : Promise.resolve({ done: true, value: undefined });
      },
      [Symbol.asyncIterator]: () => recorded,
    };
    return recorded;
  }
}

function answerOf(body: string, model: string, target: RouteTarget, usage: TokenUsage, costMicros: number): CachedAnswer {
  return {
    body,
    model,
    provider: target.connection.name,
    providerType: target.connection.type,
    usage: { promptTokens: usage.promptTokens, completionTokens: usage.completionTokens, cachedTokens: usage.cachedTokens },
    costMicros,
    createdAt: Date.now(),
  };
}
