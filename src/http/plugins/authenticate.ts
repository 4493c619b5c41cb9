// authenticate(): every non-public /api/v1 route needs `Authorization: Bearer <ps_ key or session token>` (routes of
// Anthropic's API also take `x-api-key`, as Anthropic's SDKs send it). It runs before the body is read, so
// unauthenticated requests cost almost nothing; API keys take the cached fast path.
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { hasRole } from '../../auth/roles.js';
import { looksLikeSessionToken } from '../../auth/session-tokens.js';
import { AuthenticationError, InvalidRequestError, PermissionDeniedError } from '../../errors/shuttle-error.js';
import { validateCustomerId } from '../../metering/customer-directory.js';
import { RequestMeter } from '../../metering/request-meter.js';
import type { Runtime } from '../../runtime.js';

const BEARER = /^Bearer +([^\s]+) *$/i;
const BEARER_PREFIX = 'Bearer ';

type RouteConfig = FastifyRequest['routeOptions']['config'];

/**
 * A callback hook, not an async one: a request with a cached API key (nearly every proxied request) is authenticated
 * without a promise or a regular expression, and only the others take the full path below.
 */
export function authenticate(runtime: Runtime) {
  const authenticateFully = fullAuthentication(runtime);
  return function authenticateRequest(request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void {
    const config = request.routeOptions.config;
    const mode = config.auth ?? 'any';
    if (mode === 'public') {
      done();
      return;
    }
    const key = mode === 'any' ? plainCredential(request, config) : undefined;
    const principal = key === undefined ? undefined : runtime.keys.cached(key);
    if (principal === undefined) {
      authenticateFully(request, config, mode).then(() => done(), done);
      return;
    }
    request.principal = principal;
    try {
      startMetering(request, config);
    } catch (error) {
      done(error as Error);
      return;
    }
    done();
  };
}

/** The credential of a `Bearer …` header, or of `x-api-key` on an Anthropic route without one, read without a regex. */
function plainCredential(request: FastifyRequest, config: RouteConfig): string | undefined {
  const header = request.headers.authorization;
  if (header !== undefined) return header.startsWith(BEARER_PREFIX) ? header.slice(BEARER_PREFIX.length) : undefined;
  const apiKey = config.dialect === 'anthropic' ? request.headers['x-api-key'] : undefined;
  return typeof apiKey === 'string' ? apiKey : undefined;
}

/** The credential the request carries: `Authorization: Bearer …`, or on an Anthropic route `x-api-key`. */
function credentialOf(request: FastifyRequest, config: RouteConfig): string {
  const header = request.headers.authorization;
  if (header === undefined || header === '') {
    const apiKey = config.dialect === 'anthropic' ? request.headers['x-api-key'] : undefined;
    if (typeof apiKey === 'string' && apiKey !== '') return apiKey;
    throw new AuthenticationError(
      'missing_api_key',
      config.dialect === 'anthropic' ? { message: 'Missing credentials: send "x-api-key: ps_…" or "Authorization: Bearer ps_…".' } : {},
    );
  }
  const credential = BEARER.exec(header)?.[1];
  if (credential === undefined) throw new AuthenticationError('malformed_authorization');
  return credential;
}

function fullAuthentication(runtime: Runtime) {
  return async function authenticateFully(request: FastifyRequest, config: RouteConfig, mode: string): Promise<void> {
    const credential = credentialOf(request, config);

    if (!looksLikeSessionToken(credential)) {
      // A credential that is no key at all is a 401, like anywhere else; only a real key is told it may not do this.
      const key = await runtime.keys.authenticate(credential);
      if (mode === 'operator') throw new PermissionDeniedError('operator_required');
      if (mode !== 'any') {
        throw new PermissionDeniedError('permission_denied', {
          message: 'API keys cannot do this; it needs a logged-in user (a session token from POST /api/v1/auth/login).',
        });
      }
      request.principal = key;
    } else if (mode === 'session' || mode === 'operator') {
      const { id, email, state } = await runtime.users.authenticateSession(credential);
      if (state.mustChangePassword && !config.beforePasswordChange) throw new PermissionDeniedError('password_change_required');
      if (mode === 'operator' && !state.operator) throw new PermissionDeniedError('operator_required');
      request.sessionUser = { id, email };
      return;
    } else {
      const tenantHeader = request.headers['x-shuttle-tenant-id'];
      if (typeof tenantHeader === 'string') refuseRepeatedHeader(request, tenantHeader, 'X-Shuttle-Tenant-Id');
      const principal = await runtime.users.authenticate(
        credential,
        typeof tenantHeader === 'string' && tenantHeader !== '' ? tenantHeader : undefined,
      );
      if (config.minRole && !hasRole(principal.role, config.minRole)) {
        throw new PermissionDeniedError('permission_denied', {
          message: `This needs the ${config.minRole} role or higher; you are ${principal.role === 'admin' ? 'an' : 'a'} ${principal.role}.`,
        });
      }
      request.principal = principal;
    }
    startMetering(request, config);
  };
}

/** Refuses a malformed X-Shuttle-Customer-Id before the body is read, and starts the meter of a metered route. */
function startMetering(request: FastifyRequest, config: RouteConfig): void {
  const customerHeader = request.headers['x-shuttle-customer-id'];
  if (typeof customerHeader === 'string') {
    refuseRepeatedHeader(request, customerHeader, 'X-Shuttle-Customer-Id');
    validateCustomerId(customerHeader, 'X-Shuttle-Customer-Id');
  }
  if (config.metered !== undefined) request.meter = new RequestMeter(config.metered, request.startedAt);
}

/**
 * Node joins a header sent twice into one value, `a, b`: that would silently name a third customer (or tenant), so a
 * header that says who is billed must come once. Only a value with ", " in it can be such a join, so only then are
 * the raw headers counted.
 */
function refuseRepeatedHeader(request: FastifyRequest, value: string, name: string): void {
  if (!value.includes(', ')) return;
  const lower = name.toLowerCase();
  const raw = request.raw.rawHeaders;
  let count = 0;
  for (let i = 0; i < raw.length; i += 2) if ((raw[i] as string).toLowerCase() === lower) count++;
  if (count > 1) throw new InvalidRequestError(`Send the ${name} header once; it was sent ${count} times.`, name);
}
