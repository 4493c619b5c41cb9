// authenticate(): every non-public /api/v1 route needs `Authorization: Bearer <ps_ key or session token>`. It runs
// before the body is read, so unauthenticated requests cost almost nothing; API keys take the cached fast path.
import type { FastifyRequest } from 'fastify';
import { hasRole } from '../../auth/roles.js';
import { looksLikeSessionToken } from '../../auth/session-tokens.js';
import { AuthenticationError, PermissionDeniedError } from '../../errors/shuttle-error.js';
import { validateCustomerId } from '../../metering/customer-directory.js';
import { RequestMeter } from '../../metering/request-meter.js';
import type { Runtime } from '../../runtime.js';

const BEARER = /^Bearer +([^\s]+) *$/i;

export function authenticate(runtime: Runtime) {
  return async function authenticateRequest(request: FastifyRequest): Promise<void> {
    const config = request.routeOptions.config;
    const mode = config.auth ?? 'any';
    if (mode === 'public') return;
    const header = request.headers.authorization;
    if (header === undefined || header === '') throw new AuthenticationError('missing_api_key');
    const credential = BEARER.exec(header)?.[1];
    if (credential === undefined) throw new AuthenticationError('malformed_authorization');

    if (!looksLikeSessionToken(credential)) {
      if (mode !== 'any') {
        throw new PermissionDeniedError('permission_denied', {
          message: 'API keys cannot do this; it needs a logged-in user (a session token from POST /api/v1/auth/login).',
        });
      }
      request.principal = await runtime.keys.authenticate(credential);
    } else if (mode === 'session') {
      const { id, email } = await runtime.users.authenticateSession(credential);
      request.sessionUser = { id, email };
      return;
    } else {
      const tenantHeader = request.headers['x-shuttle-tenant-id'];
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
    const customerHeader = request.headers['x-shuttle-customer-id'];
    if (typeof customerHeader === 'string') validateCustomerId(customerHeader, 'X-Shuttle-Customer-Id');
    if (config.metered !== undefined) request.meter = new RequestMeter(config.metered, request.startedAt);
  };
}
