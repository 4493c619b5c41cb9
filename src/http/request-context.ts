// What Shuttle attaches to each Fastify request and route, declared once for the whole app.
import type { Principal } from '../auth/principal.js';
import type { RequestMeter } from '../metering/request-meter.js';
import type { Actor } from '../store/repositories/audit-log.js';
import type { Role } from '../store/schema.js';

/**
 * Who may call a route: `public` anyone; `any` an API key or a logged-in user acting in a tenant (the default);
 * `user` only a logged-in user acting in a tenant (API keys get 403); `session` any logged-in user, no tenant needed;
 * `operator` only a logged-in server operator (everyone else, API keys and tenant owners included, gets 403).
 */
export type RouteAuth = 'public' | 'any' | 'user' | 'session' | 'operator';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by authenticate() on every route that acts in a tenant. */
    principal: Principal | null;
    /** Set on `session` and `operator` routes: the logged-in user. */
    sessionUser: { id: string; email: string } | null;
    /** Set on metered routes (completions, embeddings, flow runs): becomes one usage event when the response closes. */
    meter: RequestMeter | null;
    /** performance.now() at arrival. */
    startedAt: number;
    /** The error code the response carried, for logs and metering. */
    errorCode: string | null;
    /** A JSON body's text as it arrived (plugins/json-body.ts); null for other requests. */
    clientJson: string | null;
  }
  interface FastifyContextConfig {
    auth?: RouteAuth;
    /** A `session` route a user whose password must be changed may still call (/auth/me, changing it, logging out). */
    beforePasswordChange?: boolean;
    /** The least role a logged-in user needs (API keys are not subject to it). */
    minRole?: Role;
    /** The usage-event endpoint name; marks the route as metered. */
    metered?: string;
    /**
     * The API the route speaks, OpenAI's by default: `anthropic` routes answer errors as Anthropic error objects and
     * take an API key in `x-api-key` too, as Anthropic's SDKs send it.
     */
    dialect?: 'openai' | 'anthropic';
  }
}

export function principalOf(request: { principal: Principal | null }): Principal {
  if (request.principal === null) throw new Error('route reached without authentication');
  return request.principal;
}

export function sessionUserOf(request: { sessionUser: { id: string; email: string } | null }): { id: string; email: string } {
  if (request.sessionUser === null) throw new Error('route reached without a session');
  return request.sessionUser;
}

/** The operator calling an `operator` route, as the audit log names them. */
export function operatorOf(request: { sessionUser: { id: string; email: string } | null; ip: string }): Actor {
  const user = sessionUserOf(request);
  return { type: 'user', id: user.id, label: user.email, ip: request.ip };
}

/** Who to name in the audit log for this request. */
export function actorOf(request: { principal: Principal | null; ip: string }): Actor {
  const principal = principalOf(request);
  if (principal.type === 'user') return { type: 'user', id: principal.userId, label: principal.email, ip: request.ip };
  if (principal.type === 'key') return { type: 'key', id: principal.keyId, label: principal.name, ip: request.ip };
  return { type: 'system', id: null, label: 'cli', ip: null };
}
