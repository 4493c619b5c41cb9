// What every proxied endpoint (chat completions, embeddings, flow runs) does around the provider call: admission,
// customer attribution, the call context, and the x-shuttle-* headers.
import type { Socket } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { andThen, type MaybePromise } from '../domain/maybe-promise.js';
import { lowerLevel, requestedLevel } from '../domain/request-log-entry.js';
import { InvalidRequestError, PermissionDeniedError, ShuttleError } from '../errors/shuttle-error.js';
import type { CallContext } from '../gateway/gateway.js';
import type { RouteTarget } from '../gateway/routing/router.js';
import type { TenantConfig } from '../gateway/tenant-config.js';
import { validateCustomerId } from '../metering/customer-directory.js';
import { concurrencySubjects } from '../metering/limits/concurrency-gate.js';
import { usdWithSixDecimals } from '../metering/price-table.js';
import type { RequestMeter } from '../metering/request-meter.js';
import type { Runtime } from '../runtime.js';
import type { Customer } from '../store/repositories/customers.js';
import { principalOf } from './request-context.js';

export const CUSTOMER_HEADER = 'x-shuttle-customer-id';

export class ClientClosedError extends Error {
  constructor() {
    super('the client closed the connection');
    this.name = 'ClientClosedError';
  }
}

const connectionSignals = new WeakMap<Socket, AbortSignal>();

/**
 * An AbortSignal that fires when the client's connection closes, shared by every request on that connection: an
 * HTTP/1.1 connection carries one exchange at a time, and a closed one can carry none, so a per-request controller
 * would say nothing more — and creating an AbortSignal is among the dearer things Node does for a request.
 */
export function connectionSignal(socket: Socket): AbortSignal {
  let signal = connectionSignals.get(socket);
  if (signal === undefined) {
    const controller = new AbortController();
    if (socket.destroyed) controller.abort(new ClientClosedError());
    else socket.once('close', () => controller.abort(new ClientClosedError()));
    signal = controller.signal;
    connectionSignals.set(socket, signal);
  }
  return signal;
}

/**
 * Body fields that can name the end customer: `customerId` (flow runs), OpenAI's `user`, and Anthropic's
 * `metadata.user_id` (given under that name by the Messages route).
 */
export interface CustomerFields {
  customerId?: unknown;
  user?: unknown;
  'metadata.user_id'?: unknown;
}

const CUSTOMER_FIELDS = ['customerId', 'user', 'metadata.user_id'] as const;

/**
 * The end customer of a request, in order: the X-Shuttle-Customer-Id header, `customerId` in the body, OpenAI's
 * `user` field, Anthropic's `metadata.user_id`. Invalid ids are a 400 naming where they came from.
 */
export function customerIdOf(request: FastifyRequest, body: CustomerFields): string | undefined {
  const header = request.headers[CUSTOMER_HEADER];
  // authenticate() has checked the header already, before the body was read.
  if (typeof header === 'string') return header;
  for (const field of CUSTOMER_FIELDS) {
    const value = body[field];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string') throw new InvalidRequestError(`${field} must be a string.`, field, 'invalid_customer_id');
    return validateCustomerId(value, field);
  }
  return undefined;
}

export const ENVIRONMENT_HEADER = 'x-shuttle-environment';

/** Lowers the request log's level for one request: `metadata` (no bodies) or `off`. */
export const LOG_HEADER = 'x-shuttle-log';

/**
 * The environment a request runs in: an API key's own (naming another is refused), or for a logged-in user the
 * X-Shuttle-Environment header, production by default.
 */
export function environmentOf(request: FastifyRequest, requested?: string): string {
  const principal = principalOf(request);
  const header = request.headers[ENVIRONMENT_HEADER];
  const named = requested ?? (typeof header === 'string' && header !== '' ? header : undefined);
  if (principal.type === 'user') return named ?? 'production';
  if (named !== undefined && named !== principal.environment) {
    throw new PermissionDeniedError('permission_denied', {
      message: `This key belongs to the ${principal.environment} environment; use a key of ${named} to run there.`,
    });
  }
  return principal.environment;
}

/**
 * Admits the request, attributes it to its customer, takes its concurrency slots (docs/customers-and-limits.md), and
 * ties the upstream call to the client's connection. Not an async function: with the tenant's configuration and the
 * customer cached, as they nearly always are, the context is returned as it is, without the promises that loading
 * them would take.
 */
export function beginProxyRequest(
  runtime: Runtime,
  request: FastifyRequest,
  body: CustomerFields,
  requestedEnvironment?: string,
): MaybePromise<CallContext> {
  const meter = request.meter;
  if (meter === null) throw new Error(`${request.url} is proxied but not metered`);
  if (!meter.holdsQueuePlace) {
    if (!runtime.usageWriter.reserve()) throw new ShuttleError('usage_queue_full', { headers: { 'retry-after': '1' } });
    meter.holdsQueuePlace = true;
  }
  const principal = principalOf(request);
  const externalId = customerIdOf(request, body);
  const tenant = runtime.tenantConfigs.peek(principal.tenantId);
  const customer = externalId === undefined ? null : runtime.customers.cached(principal.tenantId, externalId);
  if (tenant === undefined || customer === undefined) {
    return loadThenBegin(runtime, request, meter, principal.tenantId, externalId, requestedEnvironment);
  }
  return holdSlots(runtime, callContext(request, meter, tenant, customer, requestedEnvironment));
}

/**
 * Takes a slot in every concurrency limit of the request's tenant (and plan), key and customer; given back when the
 * response closes (request-lifecycle.ts). No limit set, as for most requests: nothing is done.
 */
function holdSlots(runtime: Runtime, ctx: CallContext): MaybePromise<CallContext> {
  const { tenant, principal, customer, meter } = ctx;
  const tenantLimit = tenant.limits.concurrentRequests;
  const planLimit = tenant.plan?.maxConcurrentRequests ?? null;
  const keyLimit = principal.type === 'key' ? principal.limits.concurrentRequests : null;
  const customerLimit = customer === null ? null : customer.limits.concurrentRequests;
  if (tenantLimit === null && planLimit === null && keyLimit === null && customerLimit === null) return ctx;
  // A request holds its slots once, however often it is begun.
  if (meter.slots !== null) return ctx;
  const subjects = concurrencySubjects({
    tenantId: tenant.tenantId,
    tenantLimit,
    planLimit,
    key: principal.type === 'key' ? { id: principal.keyId, name: principal.name, limit: keyLimit } : null,
    customer: customer && { id: customer.id, externalId: customer.externalId, limit: customerLimit },
  });
  if (subjects === null) return ctx;
  return andThen(runtime.concurrency.hold(subjects), (release) => {
    // The client left while the slots were being taken: they go back at once, and the request goes no further.
    if (!meter.holdSlots(release)) throw new ClientClosedError();
    return ctx;
  });
}

async function loadThenBegin(
  runtime: Runtime,
  request: FastifyRequest,
  meter: RequestMeter,
  tenantId: string,
  externalId: string | undefined,
  requestedEnvironment: string | undefined,
): Promise<CallContext> {
  const tenant = await runtime.tenantConfigs.get(tenantId);
  const customer = externalId === undefined ? null : await runtime.customers.resolve(tenantId, externalId);
  return holdSlots(runtime, callContext(request, meter, tenant, customer, requestedEnvironment));
}

function callContext(
  request: FastifyRequest,
  meter: RequestMeter,
  tenant: TenantConfig,
  customer: Customer | null,
  requestedEnvironment: string | undefined,
): CallContext {
  if (customer) {
    meter.customerId = customer.id;
    if (customer.blocked)
      throw new PermissionDeniedError('customer_blocked', { message: `The customer "${customer.externalId}" is blocked.` });
  }
  meter.logLevel = lowerLevel(tenant.requestLog.level, requestedLevel(request.headers[LOG_HEADER]));
  const signal = connectionSignal(request.raw.socket);
  const environment = environmentOf(request, requestedEnvironment);
  return { tenant, principal: principalOf(request), customer, meter, signal, environment };
}

/** The x-shuttle-* and x-ratelimit-* headers; the cost only when it is known before the body. */
export function setServedHeaders(
  request: FastifyRequest,
  reply: FastifyReply,
  target: RouteTarget,
  model: string,
  meter: RequestMeter,
  costKnown: boolean,
): void {
  reply.header('x-shuttle-request-id', request.id);
  reply.header('x-shuttle-provider', target.connection.name);
  reply.header('x-shuttle-model', headerSafe(model));
  reply.header('x-shuttle-attempts', String(meter.attempts));
  if (costKnown) reply.header('x-shuttle-cost-usd', usdWithSixDecimals(meter.billedMicros));
  if (meter.cacheStatus !== null) {
    reply.header('x-shuttle-cache', meter.cacheStatus);
    if (meter.cacheStatus === 'hit') reply.header('age', String(meter.cacheAgeSeconds));
  }
  const limits = meter.admission?.headers;
  if (limits !== undefined) reply.headers(limits);
}

/**
 * The served model is whatever the upstream named in its answer: a character a header cannot carry (a NUL, a
 * non-ASCII letter) would make Node throw while the response is written, so such a name is sent percent-encoded.
 */
export function headerSafe(value: string): string {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code > 0x7e) return encodeURIComponent(value);
  }
  return value;
}
