// Small HTTP helpers for the management API: log in, and call an endpoint with a key or a session token.
import type { TestGateway } from './gateway.js';

export interface ApiResponse<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

export interface CallOptions {
  /** A ps_ key or a session token; defaults to none. */
  auth?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

// Tests read answers loosely; the schemas are checked by the server and the OpenAPI test.
// biome-ignore lint/suspicious/noExplicitAny: response bodies are inspected with expect(), not typed
export async function call<T = any>(
  gateway: TestGateway,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.auth) headers.authorization = `Bearer ${options.auth}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${gateway.api}${path}`, {
    method,
    headers,
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await response.text();
  return { status: response.status, body: (text === '' ? null : JSON.parse(text)) as T, headers: response.headers };
}

export const OWNER = { email: 'owner@acme.test', password: 'correct horse battery' };

export async function login(gateway: TestGateway, email = OWNER.email, password = OWNER.password): Promise<string> {
  const response = await call(gateway, 'POST', '/auth/login', { body: { email, password } });
  if (response.status !== 200) throw new Error(`login failed: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body.token as string;
}

export function chat(gateway: TestGateway, key: string, headers: Record<string, string> = {}) {
  return call(gateway, 'POST', '/chat/completions', {
    auth: key,
    headers,
    body: { model: 'mock/echo', messages: [{ role: 'user', content: 'ping' }] },
  });
}

export interface JoinedMember {
  /** A session token of the new member. */
  token: string;
  userId: string;
  password: string;
}

/** An owner invites a new email and the invitee accepts with a password of their own, as the dashboard does. */
export async function addMember(
  gateway: TestGateway,
  ownerToken: string,
  email: string,
  role: string,
  password = `${email} password`,
): Promise<JoinedMember> {
  const invited = await call(gateway, 'POST', '/invitations', { auth: ownerToken, body: { email, role } });
  if (invited.status !== 201) throw new Error(`invitation failed: ${invited.status} ${JSON.stringify(invited.body)}`);
  const accepted = await call(gateway, 'POST', '/invitations/accept-with-password', { body: { token: invited.body.token, password } });
  if (accepted.status !== 200) throw new Error(`accepting failed: ${accepted.status} ${JSON.stringify(accepted.body)}`);
  return { token: accepted.body.token as string, userId: (accepted.body.user as { id: string }).id, password };
}
