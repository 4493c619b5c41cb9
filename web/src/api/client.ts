// Every call to the public API goes through here: the session token, the chosen tenant, JSON in and out, and
// errors turned into ApiError with the API's own message. A 401 ends the session.
import { sessionStore } from '../session/session-store';
import { toApiError } from './api-error';

export const API_BASE = '/api/v1';

type Query = Record<string, string | number | boolean | null | undefined>;

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  query?: Query;
  body?: unknown;
  /** Send no session (the login call). */
  anonymous?: boolean;
}

export function apiUrl(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(name, String(value));
  }
  const search = params.toString();
  return `${API_BASE}${path}${search ? `?${search}` : ''}`;
}

export function authHeaders(): Record<string, string> {
  const session = sessionStore.get();
  if (!session) return {};
  return { authorization: `Bearer ${session.token}`, 'x-shuttle-tenant-id': session.tenantId };
}

export async function apiFetch(path: string, options: RequestOptions = {}): Promise<Response> {
  const headers: Record<string, string> = options.anonymous ? {} : authHeaders();
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(apiUrl(path, options.query), {
    method: options.method ?? 'GET',
    headers,
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  if (!response.ok) {
    const error = await toApiError(response);
    if (response.status === 401 && !options.anonymous) sessionStore.expire();
    if (error.code === 'password_change_required') sessionStore.requirePasswordChange();
    throw error;
  }
  return response;
}

export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const response = await apiFetch(path, options);
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  return (text === '' ? undefined : JSON.parse(text)) as T;
}
