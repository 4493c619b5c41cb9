// The proxy call: route the request, enforce limits, call the provider, and meter what it answered.

import { setTimeout as sleep } from 'node:timers/promises';
import type { Principal } from '../auth/principal.js';
import { hasRateOrCostLimit } from '../domain/limits.js';
import { isPromise } from '../domain/maybe-promise.js';
import type { UpstreamAttempt } from '../domain/request-log-entry.js';
import type { TokenUsage } from '../domain/token-usage.js';
import { InvalidRequestError, NotFoundError, ShuttleError, UpstreamError } from '../errors/shuttle-error.js';
import { billedMicros, multiplierOf } from '../metering/billing.js';
import type { Admission, LimitGate, LimitSubject } from '../metering/limits/limit-gate.js';
import type { GatewayMetrics } from '../metering/metrics.js';
import { costMicros, type PriceTable } from '../metering/price-table.js';
import type { ModelPrice } from '../metering/prices.js';
import type { RequestMeter } from '../metering/request-meter.js';
import type { RequestTracer } from '../metering/request-tracer.js';
import type { Customer } from '../store/repositories/customers.js';
import { chatParamsOf } from './dialects/anthropic-messages/request.js';
import { messageBody } from './dialects/anthropic-messages/response.js';
import { messageEvents } from './dialects/anthropic-messages/stream.js';
import type { CountTokensRequest, MessagesRequest } from './dialects/anthropic-messages/wire.js';
import type { ChatCompletionCreateParams, EmbeddingCreateParams } from './openai-wire.js';
import type { ChatResult, ChatStreamResult, EmbeddingsResult, NativeDialect, StreamPart } from './providers/provider.js';
import { trustedUsage } from './reported-usage.js';
import { replayParts } from './response-cache/cached-answer.js';
import type { CacheCall, CacheRequest, ResponseCache } from './response-cache/response-cache.js';
import { assertModelAllowed } from './routing/allowed-models.js';
import { waitBeforeRetry } from './routing/retry-after.js';
import type { RoutePlan, Router, RouteTarget } from './routing/router.js';
import type { TargetHealth } from './routing/target-health.js';
import { answerTokens, StreamTally } from './stream-tally.js';
import type { TenantConfig } from './tenant-config.js';
import { loadTokenizers, promptByteBound, promptTokenBound, type TokenFamily, tokenFamily } from './token-bounds.js';
import { isRetryable } from './upstream-failure.js';

export interface Execution<T> {
  result: T;
  target: RouteTarget;
}

/** Everything about the caller that a proxied call depends on. */
export interface CallContext {
  tenant: TenantConfig;
  principal: Principal;
  customer: Customer | null;
  meter: RequestMeter;
  signal: AbortSignal;
  /** The environment whose routing rules and connections apply (the key's; a user may pick one). */
  environment: string;
}

export interface ChatOptions {
  /** Models planned after `params.model`, each with its own routing, tried in order once every target before failed. */
  fallbackModels?: readonly string[];
  /** `params` as the client's JSON text, when they are exactly that text parsed: forwarded when nothing changes. */
  paramsJson?: string;
  /** The request in a client dialect that some providers speak: their targets get it as it is, the others `params`. */
  native?: NativeRequest;
  /** What the request asks of the response cache (docs/cache.md); absent: the cache is not used. */
  cache?: CacheRequest;
  /**
   * The request's `web_search_options` is a flow's virtual web_search tool: only a provider that runs web search may
   * serve it (others are refused with 400 rather than answering without searching).
   */
  webSearch?: boolean;
}

/** Provider types that run a web search from `web_search_options`: OpenAI's search models, Anthropic's server tool. */
export const WEB_SEARCH_PROVIDERS: ReadonlySet<string> = new Set(['openai', 'anthropic']);

/** A request in a client dialect other than OpenAI chat; `params` (given with it) is its translation. */
export interface NativeRequest {
  dialect: NativeDialect;
  body: Record<string, unknown>;
  bodyJson?: string;
  /** The client's headers of that dialect, forwarded. */
  headers: Record<string, string>;
  /** The request as a target of another dialect gets it, refusing what it cannot carry: translated when one is tried. */
  translated(target: RouteTarget): ChatCompletionCreateParams;
}

/** Options of a Messages call: the client's JSON text and its anthropic-* headers. */
export interface MessagesOptions {
  bodyJson?: string;
  headers: Record<string, string>;
}

export interface GatewayOptions {
  timeoutMs: number;
  /** Completion tokens assumed when a request sets no max_tokens, for limits. */
  defaultMaxTokens: number;
}

/** The prompt-token bounds of a call, computed only when a limit needs them. */
interface PromptBounds {
  /** The cheap upper bound (bytes), for every target the call may go to. */
  cheap(plans: readonly RoutePlan[]): number;
  /** The tokenizer's tighter bound, for every target. */
  tighter?(plans: readonly RoutePlan[]): Promise<number>;
  /** The prompt tokens to bill when the client leaves while a target has the request (the best count at hand). */
  abandoned?(target: RouteTarget): number;
}

export class Gateway {
  constructor(
    private readonly router: Router,
    private readonly health: TargetHealth,
    private readonly limits: LimitGate,
    private readonly metrics: GatewayMetrics,
    private readonly options: GatewayOptions,
    /** Records each attempt as an OpenTelemetry span; null when tracing is off. */
    private readonly tracing: RequestTracer | null = null,
    private readonly responseCache?: ResponseCache,
  ) {}

  /** A chat completion; `options.fallbackModels` come from a flow template's `fallbacks`. */
  async chat(params: ChatCompletionCreateParams, ctx: CallContext, options: ChatOptions = {}): Promise<Execution<ChatResult>> {
    const { fallbackModels = [], paramsJson, native } = options;
    const cache = options.cache && !native ? this.openCache(params, ctx, options.cache, fallbackModels) : undefined;
    if (cache) {
      const hit = await this.answerFromCache(cache, params, ctx);
      if (hit) return hit;
    }
    const before = { usage: ctx.meter.usage, costMicros: ctx.meter.costMicros };
    const clientMax = params.max_completion_tokens ?? params.max_tokens ?? undefined;
    const maxCompletion = (clientMax ?? this.options.defaultMaxTokens) * (params.n ?? 1);
    const bounds: PromptBounds = {
      cheap: (plans) => chatByteBound(params, paramsJson, plans),
      tighter: async (plans) => {
        const targets = allTargets(plans);
        await loadTokenizers(targets.map((target) => familyOf(target)));
        return Math.max(...targets.map((target) => promptTokenBound(paramsFor(params, target), familyOf(target))));
      },
      abandoned: (target) => promptTokenBound(paramsFor(params, target), familyOf(target)),
    };
    const { result, target, admission } = await this.dispatch(
      [params.model, ...fallbackModels],
      ctx,
      maxCompletion,
      bounds,
      async (target, timeoutMs, admission) => {
        if (options.webSearch && !WEB_SEARCH_PROVIDERS.has(target.adapter.type)) {
          throw new InvalidRequestError(
            `${target.connection.name} (${target.adapter.type}) offers no web search tool: route this model to OpenAI (a search model) or Anthropic.`,
            'tools',
          );
        }
        const endpoint = native && target.adapter.native?.dialect === native.dialect ? target.adapter.native : undefined;
        if (native && endpoint) {
          const answer = await endpoint.send({
            connection: target.connection,
            model: target.model,
            body: nativeBody(native.body, target),
            ...(native.bodyJson !== undefined && !target.overrides ? { bodyJson: native.bodyJson } : {}),
            headers: native.headers,
            signal: ctx.signal,
            timeoutMs,
          });
          return answer.stream ? await withFirstPart(answer) : answer;
        }
        const request = native ? native.translated(target) : params;
        // Under a cost limit the answer may not outgrow its reservation: a request without a cap gets the default's.
        const capped =
          clientMax === undefined && admission.costLimited ? withMaxTokens(request, target, this.options.defaultMaxTokens) : request;
        const sent = paramsFor(capped, target);
        const answer = await target.adapter.chat({
          connection: target.connection,
          model: target.model,
          params: sent,
          paramsJson: sent === params ? paramsJson : undefined,
          signal: ctx.signal,
          timeoutMs,
        });
        // A stream counts as answered once its first chunk arrives: a failure before that can still fall back.
        return answer.stream ? await withFirstPart(answer) : answer;
      },
    );
    ctx.meter.servedModel = result.model;
    if (!result.stream) {
      const counted = (): TokenUsage => ({
        promptTokens: promptTokenBound(paramsFor(params, target), familyOf(target)),
        completionTokens: answerTokens(result.body, familyOf(target, result.model)),
        cachedTokens: 0,
      });
      this.finishCall(ctx, target, admission, trustedUsage(result.usage, counted));
      cache?.storeJson(result, target, ctx.meter.costMicros - before.costMicros);
      return { result, target };
    }
    ctx.meter.streamed = true;
    const parts = this.meterStream(result.parts, target, ctx, admission, paramsFor(params, target));
    if (!cache) return { result: { ...result, parts }, target };
    const spent = () => ({ ...spentSince(before, ctx.meter), model: ctx.meter.servedModel ?? result.model });
    return { result: { ...result, parts: cache.recording(parts, target, spent) }, target };
  }

  /**
   * An Anthropic Messages request: passed as it is to targets that speak the Messages API (Anthropic), translated to
   * a chat request for the others and their answer translated back; limits, routing and metering as for chat.
   */
  async messages(request: MessagesRequest, ctx: CallContext, options: MessagesOptions): Promise<Execution<ChatResult>> {
    let translated: ChatCompletionCreateParams | undefined;
    const native: NativeRequest = {
      dialect: 'anthropic-messages',
      body: request,
      headers: options.headers,
      ...(options.bodyJson === undefined ? {} : { bodyJson: options.bodyJson }),
      translated: (target) => {
        translated ??= chatParamsOf(request, 'send');
        const { max_tokens: _, ...rest } = translated;
        return withMaxTokens(rest, target, request.max_tokens);
      },
    };
    const execution = await this.chat(chatParamsOf(request, 'count'), ctx, { native });
    const { result, target } = execution;
    if (target.adapter.native?.dialect === native.dialect) return execution;
    if (result.stream) return { target, result: { ...result, parts: messageEvents(result.parts, result.model) } };
    return { target, result: { ...result, body: messageBody(result.body, result.usage, result.model) } };
  }

  /**
   * The input tokens of a Messages request: Anthropic's own count when the model is served by Anthropic (its
   * count_tokens endpoint is free), else the prompt's token bound that limits use (a tokenizer's count within its
   * budget, bytes beyond it). Checks the model like a call, and meters nothing.
   */
  async countTokens(request: CountTokensRequest, ctx: Omit<CallContext, 'meter' | 'customer'>, options: MessagesOptions): Promise<number> {
    assertModelAllowed(request.model, allowedLists(ctx.tenant, ctx.principal));
    const env = ctx.tenant.environments.get(ctx.environment);
    if (!env) throw new NotFoundError(`No environment "${ctx.environment}".`);
    const target = this.router.plan(request.model, env).targets[0] as RouteTarget;
    const endpoint = target.adapter.native;
    if (endpoint?.dialect === 'anthropic-messages' && endpoint.countTokens) {
      return endpoint.countTokens({
        connection: target.connection,
        model: target.model,
        body: request,
        headers: options.headers,
        signal: ctx.signal,
        timeoutMs: target.timeoutMs ?? this.options.timeoutMs,
      });
    }
    const params = chatParamsOf({ ...request, max_tokens: 1 }, 'count');
    const own = familyOf(target);
    const family = own.encoding === null ? { ...own, encoding: ESTIMATE_ENCODING } : own;
    await loadTokenizers([family]);
    return promptTokenBound(params, family);
  }

  async embed(params: EmbeddingCreateParams, ctx: CallContext, paramsJson?: string): Promise<Execution<EmbeddingsResult>> {
    // Every string of the input is in its JSON, and token ids take at least two bytes each ("1,").
    const bounds: PromptBounds = { cheap: () => Buffer.byteLength(paramsJson ?? JSON.stringify(params.input ?? '')) };
    const { result, target, admission } = await this.dispatch([params.model], ctx, 0, bounds, (target, timeoutMs) => {
      if (!target.adapter.embeddings) {
        throw new InvalidRequestError(`The provider of "${params.model}" (${target.connection.type}) does not offer embeddings.`, 'model');
      }
      const { connection, model } = target;
      return target.adapter.embeddings({ connection, model, params, paramsJson, signal: ctx.signal, timeoutMs });
    });
    ctx.meter.servedModel = result.model;
    const counted = (): TokenUsage => ({ promptTokens: bounds.cheap([]), completionTokens: 0, cachedTokens: 0 });
    this.finishCall(ctx, target, admission, trustedUsage(result.usage, counted));
    return { result, target };
  }

  /** The models a caller in this environment may name. */
  listModels(tenant: TenantConfig, principal: Principal, environment: string) {
    const env = tenant.environments.get(environment);
    return this.router.listModels(env).filter((model) => {
      try {
        assertModelAllowed(model.id, allowedLists(tenant, principal));
        return true;
      } catch {
        return false;
      }
    });
  }

  /**
   * Checks the models are allowed, plans their targets, admits the request against its limits, then tries the
   * targets in order: each up to its plan's retry attempts (with backoff, or the provider's Retry-After when it fits
   * in the try's timeout), moving on when a failure is retryable.
   */
  private async dispatch<T>(
    models: readonly string[],
    ctx: CallContext,
    maxCompletionTokens: number,
    bounds: PromptBounds,
    call: (target: RouteTarget, timeoutMs: number, admission: Admission) => Promise<T>,
  ): Promise<Execution<T> & { admission: Admission }> {
    const { meter } = ctx;
    meter.requestedModel = models[0] as string;
    for (const model of models) assertModelAllowed(model, allowedLists(ctx.tenant, ctx.principal));
    const env = ctx.tenant.environments.get(ctx.environment);
    if (!env) throw new NotFoundError(`No environment "${ctx.environment}".`);
    const plans = models.map((model) => this.router.plan(model, env));
    const first = (plans[0] as RoutePlan).targets[0] as RouteTarget;
    meter.provider = first.connection.name;
    meter.providerType = first.connection.type;
    meter.servedModel = first.model;
    const subjects = limitSubjects(ctx);
    const { tighter } = bounds;
    const admitted = this.limits.admit({
      tenantId: ctx.tenant.tenantId,
      alerts: ctx.tenant.alerts,
      subjects,
      // Counted only when a limit applies: most requests never pay for it.
      estimatedPromptTokens: subjects.length === 0 ? 0 : bounds.cheap(plans),
      ...(tighter ? { tighterPromptTokens: () => tighter(plans) } : {}),
      maxCompletionTokens,
      maxPrice: dearest(plans, ctx.tenant),
    });
    // Awaited only when it is a promise: an admission decided in memory takes no turn of the microtask queue.
    const admission = isPromise(admitted) ? await admitted : admitted;
    meter.admission = admission;
    meter.admissions.push(admission);

    let lastError: unknown;
    meter.upstreamMs ??= 0;
    // A client that leaves while a provider has its request is billed for the prompt it sent (the provider bills it).
    let inFlight: RouteTarget | undefined;
    const abandon = (): void => {
      const prompt = inFlight && bounds.abandoned?.(inFlight);
      if (inFlight && prompt) this.finishCall(ctx, inFlight, admission, { promptTokens: prompt, completionTokens: 0, cachedTokens: 0 });
    };
    meter.openCall = abandon;
    try {
      for (const plan of plans) {
        for (const target of plan.targets) {
          const timeoutMs = target.timeoutMs ?? this.options.timeoutMs;
          let wait = 0;
          for (let attempt = 1; attempt <= plan.retry.attempts; attempt++) {
            if (attempt > 1) await sleep(wait, undefined, { signal: ctx.signal });
            meter.attempts++;
            const attemptSpan = this.tracing?.attemptStarted(meter, ctx.signal, target);
            meter.provider = target.connection.name;
            meter.providerType = target.connection.type;
            meter.servedModel = target.model;
            const started = performance.now();
            const startedAt = Date.now();
            meter.upstreamStartedAt ??= started;
            inFlight = target;
            const tried: UpstreamAttempt = {
              provider: target.connection.name,
              model: target.model,
              status: null,
              startedAt: started,
              latencyMs: 0,
              errorCode: null,
              errorMessage: null,
            };
            meter.attemptLog.push(tried);
            try {
              const result = await call(target, timeoutMs, admission);
              const took = performance.now() - started;
              meter.upstreamMs += took;
              tried.latencyMs = took;
              tried.status = 200;
              this.health.succeeded(target.healthKey, took);
              return { result, target, admission };
            } catch (error) {
              attemptSpan?.failed(error);
              inFlight = undefined;
              tried.latencyMs = performance.now() - started;
              meter.upstreamMs += tried.latencyMs;
              describeFailure(tried, error);
              if (ctx.signal.aborted || !(error instanceof UpstreamError)) throw error;
              this.metrics.observeUpstreamError(target.connection.type, error.failure);
              if (!isRetryable(error, plan.retry.on)) throw error;
              this.health.failed(target.healthKey, plan.cooldown);
              lastError = error;
              if (attempt === plan.retry.attempts) break;
              const next = waitBeforeRetry(error, { startedAt, timeoutMs }, backoff(plan.retry.backoffMs, attempt + 1));
              if (next === undefined) break;
              wait = next;
            }
          }
        }
      }
      throw lastError;
    } catch (error) {
      this.release(admission);
      throw error;
    } finally {
      if (meter.openCall === abandon) meter.openCall = null;
    }
  }

  /** The request's use of the response cache, or undefined when it does not use it. */
  private openCache(
    params: ChatCompletionCreateParams,
    ctx: CallContext,
    request: CacheRequest,
    fallbackModels: readonly string[],
  ): CacheCall | undefined {
    const env = ctx.tenant.environments.get(ctx.environment);
    if (this.responseCache === undefined || env === undefined) return undefined;
    const rulePolicy = env.rules.get(params.model)?.cache;
    // The usual case, nothing asks for the cache: decided without building anything.
    if (request.mode === undefined && rulePolicy === undefined && ctx.tenant.cache === null) return undefined;
    const scope = { tenantId: ctx.tenant.tenantId, environment: ctx.environment, tenantPolicy: ctx.tenant.cache, rulePolicy };
    const models = [params.model, ...fallbackModels];
    const call = this.responseCache.begin(request, scope, params, () => {
      // Checked before anything is looked up: a hit is no way round a model the key may not use.
      for (const model of models) assertModelAllowed(model, allowedLists(ctx.tenant, ctx.principal));
      return models.map((model) => this.router.plan(model, env));
    });
    if (call) ctx.meter.cacheStatus = 'miss';
    return call;
  }

  /**
   * A hit: the cached answer, metered as one (its tokens, no provider cost or the configured share of it, the cost
   * it saved). It counts against rate limits, not cost limits: it costs the provider nothing.
   */
  private async answerFromCache(
    cache: CacheCall,
    params: ChatCompletionCreateParams,
    ctx: CallContext,
  ): Promise<Execution<ChatResult> | undefined> {
    const lookup = cache.lookup();
    const answer = lookup && (await lookup);
    if (!answer || !this.responseCache) return undefined;
    const { meter } = ctx;
    const subjects = limitSubjects(ctx)
      .filter((subject) => subject.limits.requestsPerMinute !== null || subject.limits.tokensPerMinute !== null)
      .map((subject) => ({ ...subject, limits: { ...subject.limits, costUsd: NO_COST_LIMITS } }));
    const admitted = this.limits.admit({
      tenantId: ctx.tenant.tenantId,
      alerts: ctx.tenant.alerts,
      subjects,
      estimatedPromptTokens: answer.usage.promptTokens,
      maxCompletionTokens: answer.usage.completionTokens,
      maxPrice: undefined,
    });
    const admission = isPromise(admitted) ? await admitted : admitted;
    meter.admission = admission;
    meter.admissions.push(admission);
    const settled = admission.settle(0, answer.usage.promptTokens + answer.usage.completionTokens);
    if (isPromise(settled)) settled.catch(ignore);
    const { charged, saved } = this.responseCache.hitCost(answer.costMicros);
    meter.requestedModel = params.model;
    meter.provider = answer.provider;
    meter.providerType = answer.providerType;
    meter.servedModel = answer.model;
    meter.upstreamMs ??= 0;
    meter.addCall(answer.usage, charged, billedMicros(charged, multiplierOf(ctx.tenant.plan, answer.providerType, answer.model)));
    meter.cached = true;
    meter.savedMicros += saved;
    meter.cacheStatus = 'hit';
    meter.cacheAgeSeconds = Math.max(0, Math.floor((Date.now() - answer.createdAt) / 1000));
    const targets = allTargets(cache.plans);
    const target = targets.find((t) => t.connection.name === answer.provider) ?? (targets[0] as RouteTarget);
    if (params.stream !== true) return { result: { stream: false, body: answer.body, usage: answer.usage, model: answer.model }, target };
    meter.streamed = true;
    return { result: { stream: true, parts: partsOf(replayParts(answer)), model: answer.model }, target };
  }

  /**
   * Adds a finished call's usage and cost (the provider's, and what the tenant is billed for it) to the request, and
   * settles its admission with them: cost limits count the billed cost.
   */
  private finishCall(ctx: CallContext, target: RouteTarget, admission: Admission, usage: TokenUsage): void {
    const key = pricedAs(target, ctx.meter.servedModel ?? target.model);
    const cost = costMicros(ctx.tenant.prices.lookup(key.providerType, key.model), usage);
    const billed = billedMicros(cost, multiplierOf(ctx.tenant.plan, key.providerType, key.model));
    ctx.meter.addCall(usage, cost, billed);
    const settled = admission.settle(billed, usage.promptTokens + usage.completionTokens);
    if (isPromise(settled)) settled.catch(ignore);
  }

  private release(admission: Admission): void {
    const settled = admission.settle(0, 0);
    if (isPromise(settled)) settled.catch(ignore);
  }

  /**
   * Passes the stream through, adding each wait for the provider to upstreamMs; usage counts when it ends (or fails,
   * or the consumer stops early, or the client leaves: the meter closes it then). A stream that ends without the
   * provider's final count is billed for what it used as far as it got (StreamTally). A plain iterator, not an async
   * generator: a generator would add a promise, an await of each part and a resumption per event, for a loop that
   * only looks at each part on its way.
   */
  private meterStream(
    parts: AsyncIterable<StreamPart>,
    target: RouteTarget,
    ctx: CallContext,
    admission: Admission,
    params: ChatCompletionCreateParams,
  ): AsyncIterableIterator<StreamPart> {
    const { meter } = ctx;
    const iterator = parts[Symbol.asyncIterator]();
    const tally = new StreamTally();
    let usage: TokenUsage | undefined;
    let finished = false;
    const finish = (complete: boolean): void => {
      if (finished) return;
      finished = true;
      if (meter.openCall === close) meter.openCall = null;
      const family = familyOf(target, meter.servedModel ?? target.model);
      const reported = usage && trustedUsage(usage, () => tally.usage(undefined, params, family));
      this.finishCall(ctx, target, admission, complete && reported ? reported : tally.usage(reported, params, family));
    };
    const close = (): void => finish(false);
    meter.openCall = close;
    // One pair of handlers for the stream, not a pair of closures per part (next() is never called while one waits).
    let waitStart = 0;
    const onResult = (result: IteratorResult<StreamPart>): IteratorResult<StreamPart> => {
      meter.upstreamMs = (meter.upstreamMs ?? 0) + (performance.now() - waitStart);
      if (result.done) {
        finish(true);
        return result;
      }
      const part = result.value;
      tally.add(part.data);
      if (part.model) meter.servedModel = part.model;
      // Some providers repeat a running total: the last one counts.
      if (part.usage) usage = part.usage;
      return result;
    };
    const onError = (error: unknown): never => {
      finish(false);
      throw error;
    };
    const metered: AsyncIterableIterator<StreamPart> = {
      next: () => {
        waitStart = performance.now();
        return iterator.next().then(onResult, onError);
      },
      return: async (): Promise<IteratorResult<StreamPart>> => {
        finish(false);
        await iterator.return?.();
        return { done: true, value: undefined };
      },
      [Symbol.asyncIterator]: () => metered,
    };
    return metered;
  }
}

const NO_COST_LIMITS = Object.freeze({ day: null, month: null, total: null });

/** What the request used and cost since `before` (one call's share, when a flow makes several). */
function spentSince(before: { usage: TokenUsage; costMicros: number }, meter: RequestMeter): { usage: TokenUsage; costMicros: number } {
  return {
    usage: {
      promptTokens: meter.usage.promptTokens - before.usage.promptTokens,
      completionTokens: meter.usage.completionTokens - before.usage.completionTokens,
      cachedTokens: meter.usage.cachedTokens - before.usage.cachedTokens,
    },
    costMicros: meter.costMicros - before.costMicros,
  };
}

/** A cached stream's parts, handed out one by one. */
async function* partsOf(parts: readonly StreamPart[]): AsyncIterableIterator<StreamPart> {
  yield* parts;
}

/** A settlement that fails (Redis gone) leaves the estimate counted; the answer neither waits for it nor depends on it. */
function ignore(): void {}

/** Exponential backoff with full jitter, capped at 10 s. */
function backoff(baseMs: number, attempt: number): number {
  return Math.random() * Math.min(10_000, baseMs * 2 ** (attempt - 2));
}

/**
 * Waits for a stream's first part; the stream handed on yields it first, then the rest. A plain iterator rather
 * than an async generator: after the first part it hands each next() straight to the provider's stream, where a
 * generator would add a promise and a hop per event.
 */
async function withFirstPart(result: ChatStreamResult): Promise<ChatStreamResult> {
  const iterator = result.parts[Symbol.asyncIterator]();
  let first: IteratorResult<StreamPart> | undefined = await iterator.next();
  const parts: AsyncIterableIterator<StreamPart> = {
    next() {
      if (first === undefined) return iterator.next();
      const part = first;
      first = undefined;
      return Promise.resolve(part);
    },
    async return(): Promise<IteratorResult<StreamPart>> {
      first = undefined;
      await iterator.return?.();
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]() {
      return parts;
    },
  };
  return { ...result, parts };
}

function allowedLists(tenant: TenantConfig, principal: Principal) {
  const lists: Array<{ allowed: readonly string[] | null; owner: string }> = [{ allowed: tenant.allowedModels, owner: 'this tenant' }];
  // A plan's models bound the tenant's: a model must be on both lists (the answer is the same as the tenant's own).
  if (tenant.plan?.allowedModels) lists.push({ allowed: tenant.plan.allowedModels, owner: 'this tenant' });
  if (principal.type === 'key') lists.push({ allowed: principal.allowedModels, owner: `the key "${principal.name}"` });
  return lists;
}

function limitSubjects(ctx: CallContext): LimitSubject[] {
  const subjects: LimitSubject[] = [];
  if (hasRateOrCostLimit(ctx.tenant.limits))
    subjects.push({ scope: 'tenant', id: ctx.tenant.tenantId, name: null, limits: ctx.tenant.limits });
  if (ctx.principal.type === 'key' && hasRateOrCostLimit(ctx.principal.limits)) {
    subjects.push({ scope: 'key', id: ctx.principal.keyId, name: ctx.principal.name, limits: ctx.principal.limits });
  }
  if (ctx.customer && hasRateOrCostLimit(ctx.customer.limits)) {
    subjects.push({ scope: 'customer', id: ctx.customer.id, name: ctx.customer.externalId, limits: ctx.customer.limits });
  }
  return subjects;
}

/** A model's price-table key on a target: adapters may name it (Azure deployments price as OpenAI models). */
function pricedAs(target: RouteTarget, model: string): { providerType: string; model: string } {
  return target.adapter.pricedAs?.(model) ?? { providerType: target.connection.type, model };
}

/** A model's price on a target, as billed to the tenant (its plan's multiplier applied): what a reservation holds. */
function priceOf(tenant: TenantConfig, target: RouteTarget, model: string): ModelPrice | undefined {
  const key = pricedAs(target, model);
  const price = tenant.prices.lookup(key.providerType, key.model);
  const multiplier = multiplierOf(tenant.plan, key.providerType, key.model);
  if (price === undefined || multiplier === 1) return price;
  return {
    ...price,
    input: price.input * multiplier,
    output: price.output * multiplier,
    ...(price.cachedInput === undefined ? {} : { cachedInput: price.cachedInput * multiplier }),
  };
}

// A direct plan is cached by the router, and its dearest price stays the same for as long as its tenant's prices do.
const dearestOfDirectPlan = new WeakMap<RoutePlan, { prices: PriceTable; price: ModelPrice | undefined }>();

function dearest(plans: readonly RoutePlan[], tenant: TenantConfig): ModelPrice | undefined {
  const only = plans.length === 1 ? plans[0] : undefined;
  if (only === undefined || only.routed) return dearestAmong(plans, tenant);
  const cached = dearestOfDirectPlan.get(only);
  if (cached?.prices === tenant.prices) return cached.price;
  const price = dearestAmong(plans, tenant);
  dearestOfDirectPlan.set(only, { prices: tenant.prices, price });
  return price;
}

/** The dearest input and the dearest output price among the targets (from different targets, if so). */
function dearestAmong(plans: readonly RoutePlan[], tenant: TenantConfig): ModelPrice | undefined {
  let max: ModelPrice | undefined;
  for (const target of allTargets(plans)) {
    const price = priceOf(tenant, target, target.model);
    if (price) max = { input: Math.max(max?.input ?? 0, price.input), output: Math.max(max?.output ?? 0, price.output) };
  }
  return max;
}

function allTargets(plans: readonly RoutePlan[]): RouteTarget[] {
  return plans.flatMap((plan) => plan.targets);
}

// Models without a tokenizer of their own are estimated with OpenAI's newest: closer than their byte bound.
const ESTIMATE_ENCODING = 'o200k_base' as const;

/** A native request as a target gets it: the routing rule's overrides that mean the same in its dialect applied. */
function nativeBody(body: Record<string, unknown>, target: RouteTarget): Record<string, unknown> {
  const { overrides } = target;
  if (!overrides) return body;
  const applied: Record<string, unknown> = { ...body };
  const maxTokens = overrides.max_completion_tokens ?? overrides.max_tokens;
  if (maxTokens !== undefined && maxTokens !== null) applied.max_tokens = maxTokens;
  for (const field of ['temperature', 'top_p'] as const) {
    const value = overrides[field];
    if (value !== undefined && value !== null) applied[field] = value;
  }
  return applied;
}

/** The request as a target gets it: its routing rule's overrides applied. */
function paramsFor(params: ChatCompletionCreateParams, target: RouteTarget): ChatCompletionCreateParams {
  return target.overrides ? { ...params, ...target.overrides } : params;
}

/** The token family of a target's model; adapters that price as another model (Azure) count as that model too. */
function familyOf(target: RouteTarget, model = target.model): TokenFamily {
  return tokenFamily(target.adapter.pricedAs?.(model).model ?? model);
}

/** The byte bound over every target: the request's own text, or each target's with its overrides. */
function chatByteBound(params: ChatCompletionCreateParams, paramsJson: string | undefined, plans: readonly RoutePlan[]): number {
  let bound = 0;
  let plainMedia = -1;
  for (const target of allTargets(plans)) {
    const { mediaTokens } = familyOf(target);
    if (target.overrides) bound = Math.max(bound, promptByteBound(paramsFor(params, target), mediaTokens));
    else plainMedia = Math.max(plainMedia, mediaTokens);
  }
  return plainMedia < 0 ? bound : Math.max(bound, promptByteBound(params, plainMedia, paramsJson));
}

// OpenAI takes max_completion_tokens (its reasoning models refuse max_tokens), as do the adapters that translate the
// request (Anthropic, Google, Bedrock, the mock); other OpenAI-compatible providers know max_tokens.
const TAKES_MAX_COMPLETION_TOKENS = new Set(['openai', 'azure', 'anthropic', 'google', 'bedrock', 'mock']);

function withMaxTokens(params: ChatCompletionCreateParams, target: RouteTarget, maxTokens: number): ChatCompletionCreateParams {
  const field = TAKES_MAX_COMPLETION_TOKENS.has(target.connection.type) ? 'max_completion_tokens' : 'max_tokens';
  return { ...params, [field]: maxTokens };
}

/** An attempt's failure for the request log: the upstream's status when it answered, the error's code and message. */
function describeFailure(attempt: UpstreamAttempt, error: unknown): void {
  if (error instanceof UpstreamError) {
    attempt.status = error.failure === 'upstream_error' ? error.status : null;
    attempt.errorCode = error.code;
    attempt.errorMessage = error.message;
  } else if (error instanceof Error) {
    attempt.errorCode = error instanceof ShuttleError ? error.code : 'error';
    attempt.errorMessage = error.message;
  }
}
