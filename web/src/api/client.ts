// Every call to the public API goes through here: openapi-fetch clients typed by the published contract
// (schema.d.ts), with the session token, the chosen tenant, and errors turned into ApiError with the API's own
// message. A 401 ends the session.
import createClient, { type Middleware } from 'openapi-fetch';
import { sessionStore } from '../session/session-store';
import { toApiError } from './api-error';
import { trackedFetch } from './connectivity';
import type { paths } from './schema';

export function authHeaders(): Record<string, string> {
  const session = sessionStore.get();
  if (!session) return {};
  return { authorization: `Bearer ${session.token}`, 'x-shuttle-tenant-id': session.tenantId };
}

// Empty filters are left out, as a person clearing a field means "any".
function serializeQuery(query: Record<string, unknown>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(name, String(value));
  }
  return params.toString();
}

function throwApiErrors(options: { endsSession: boolean }): Middleware {
  return {
    async onResponse({ response }) {
      if (response.ok) return undefined;
      const error = await toApiError(response.clone());
      if (response.status === 401 && options.endsSession) sessionStore.expire();
      if (error.code === 'password_change_required') sessionStore.requirePasswordChange();
      // The tenant was suspended since the login: the dashboard says so instead of failing page by page.
      if (error.code === 'tenant_suspended' && options.endsSession) sessionStore.markSuspended();
      throw error;
    },
  };
}

const sendSession: Middleware = {
  onRequest({ request }) {
    for (const [name, value] of Object.entries(authHeaders())) request.headers.set(name, value);
    return request;
  },
};

/** The signed-in dashboard's client: sends the session and the chosen tenant. */
export const api = createClient<paths>({ querySerializer: serializeQuery, fetch: trackedFetch });
api.use(sendSession, throwApiErrors({ endsSession: true }));

/** For the calls made without a session (login, an invitation's lookup). */
export const publicApi = createClient<paths>({ querySerializer: serializeQuery });
publicApi.use(throwApiErrors({ endsSession: false }));

/**
 * The body of a successful answer. Failures never get here: the clients throw them as ApiError. An answer with no
 * body (204) is `undefined`.
 */
export async function dataOf<T>(pending: Promise<{ data?: T }>): Promise<T> {
  return (await pending).data as T;
}
