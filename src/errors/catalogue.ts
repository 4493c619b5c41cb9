// Every error code Shuttle answers with, its HTTP status, OpenAI error type and a default message.
// docs/errors.md is generated from this table (npm run docs:errors).

export type ErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'conflict_error'
  | 'rate_limit_error'
  | 'insufficient_quota'
  | 'upstream_error'
  | 'server_error';

export interface CatalogueEntry {
  status: number;
  type: ErrorType;
  message: string;
}

export const errorCatalogue = {
  invalid_request: { status: 400, type: 'invalid_request_error', message: 'The request is invalid.' },
  password_not_changed: {
    status: 400,
    type: 'invalid_request_error',
    message: 'The new password must differ from the current one.',
  },
  invalid_json: { status: 400, type: 'invalid_request_error', message: 'The request body is not valid JSON.' },
  invalid_characters: {
    status: 400,
    type: 'invalid_request_error',
    message: 'Text may not contain NUL characters (\\u0000) or unpaired surrogates (\\ud800-\\udfff): they cannot be stored.',
  },
  json_too_deep: { status: 400, type: 'invalid_request_error', message: 'The JSON body is nested more than 64 levels deep.' },
  invalid_customer_id: {
    status: 400,
    type: 'invalid_request_error',
    message: 'The customer id must be 1-256 printable characters.',
  },
  private_network_refused: {
    status: 400,
    type: 'invalid_request_error',
    message:
      'The URL is, or resolves to, a loopback, private, link-local, reserved or cloud-metadata address, which this deployment does not let tenants reach.',
  },
  credentials_required: {
    status: 400,
    type: 'invalid_request_error',
    message: 'Stored credentials are never sent to another host: send them again with the new baseUrl.',
  },
  unsupported_media_type: {
    status: 415,
    type: 'invalid_request_error',
    message: 'The request body must be application/json.',
  },
  missing_api_key: {
    status: 401,
    type: 'authentication_error',
    message: 'Missing credentials: send "Authorization: Bearer ps_…".',
  },
  malformed_authorization: {
    status: 401,
    type: 'authentication_error',
    message: 'The Authorization header must be "Bearer <key or token>".',
  },
  invalid_api_key: { status: 401, type: 'authentication_error', message: 'Invalid API key.' },
  invalid_token: { status: 401, type: 'authentication_error', message: 'Invalid or expired session token.' },
  invalid_credentials: { status: 401, type: 'authentication_error', message: 'Invalid email or password.' },
  login_required: {
    status: 401,
    type: 'authentication_error',
    message: 'Log in to accept this invitation, then accept it again from the same link.',
  },
  permission_denied: {
    status: 403,
    type: 'permission_error',
    message: 'You do not have permission to do this.',
  },
  password_change_required: {
    status: 403,
    type: 'permission_error',
    message: 'Your password was set by someone else: change it (POST /api/v1/auth/password) before doing anything else.',
  },
  invitation_for_another_user: {
    status: 403,
    type: 'permission_error',
    message: 'This invitation is for another email; log in as the person invited to accept it.',
  },
  customer_blocked: { status: 403, type: 'permission_error', message: 'This customer is blocked.' },
  operator_required: {
    status: 403,
    type: 'permission_error',
    message: 'Only a server operator may do this (docs/operators.md).',
  },
  tenant_suspended: {
    status: 423,
    type: 'permission_error',
    message: 'This tenant is suspended by the server’s operators; ask them to resume it.',
  },
  model_not_allowed: { status: 403, type: 'permission_error', message: 'This key may not use that model.' },
  not_found: { status: 404, type: 'not_found_error', message: 'Not found.' },
  request_not_found: { status: 404, type: 'not_found_error', message: 'No request with this id in the request log.' },
  model_not_found: { status: 404, type: 'not_found_error', message: 'The model does not exist or is not available.' },
  invitation_not_found: {
    status: 404,
    type: 'not_found_error',
    message: 'This invitation link is not valid: it was revoked, replaced by a newer one, or mistyped.',
  },
  invitation_expired: { status: 410, type: 'invalid_request_error', message: 'This invitation has expired; ask for a new one.' },
  invitation_used: { status: 410, type: 'invalid_request_error', message: 'This invitation has already been used.' },
  method_not_allowed: { status: 405, type: 'invalid_request_error', message: 'Method not allowed.' },
  conflict: { status: 409, type: 'conflict_error', message: 'The request conflicts with the current state.' },
  key_limit_reached: {
    status: 409,
    type: 'conflict_error',
    message: 'The tenant has reached its sub-key limit.',
  },
  tool_name_taken: {
    status: 409,
    type: 'conflict_error',
    message: 'Another tool of this tenant already has this name; choose another.',
  },
  tool_in_use: {
    status: 409,
    type: 'conflict_error',
    message: 'A version active in an environment names this tool: activate another version first.',
  },
  mcp_server_in_use: {
    status: 409,
    type: 'conflict_error',
    message: 'Tools of the library call this MCP server: delete them first.',
  },
  key_name_taken: {
    status: 409,
    type: 'conflict_error',
    message: 'Another key of this tenant already has this name; choose another.',
  },
  plan_in_use: {
    status: 409,
    type: 'conflict_error',
    message: 'Tenants are on this plan; give them another plan before deleting it.',
  },
  tenant_has_live_keys: {
    status: 409,
    type: 'conflict_error',
    message: 'The tenant still has working API keys; revoke them first, or delete with ?force=true.',
  },
  email_taken: { status: 409, type: 'conflict_error', message: 'A user with this email already exists.' },
  flow_not_active: {
    status: 409,
    type: 'conflict_error',
    message: 'No version of this flow is active in that environment; activate one or name a version.',
  },
  version_immutable: { status: 409, type: 'conflict_error', message: 'A flow version never changes; create a new version instead.' },
  payload_too_large: { status: 413, type: 'invalid_request_error', message: 'The request body is too large.' },
  cost_limit_exceeded: { status: 402, type: 'insufficient_quota', message: 'The cost limit has been reached.' },
  rate_limit_exceeded: { status: 429, type: 'rate_limit_error', message: 'Rate limit reached.' },
  login_throttled: {
    status: 429,
    type: 'rate_limit_error',
    message: 'Too many failed login attempts. Try again later.',
  },
  upstream_error: { status: 502, type: 'upstream_error', message: 'The upstream provider answered with an error.' },
  upstream_unreachable: {
    status: 502,
    type: 'upstream_error',
    message: 'The upstream provider could not be reached.',
  },
  upstream_interrupted: {
    status: 502,
    type: 'upstream_error',
    message: 'The upstream provider’s connection broke off in the middle of its answer.',
  },
  upstream_invalid_response: {
    status: 502,
    type: 'upstream_error',
    message: 'The upstream provider sent a response Shuttle could not read.',
  },
  provider_not_configured: {
    status: 502,
    type: 'upstream_error',
    message: 'The provider connection lacks a setting it needs (e.g. its credentials); an admin must complete it.',
  },
  upstream_address_refused: {
    status: 502,
    type: 'upstream_error',
    message:
      'Shuttle refused to connect: the connection’s host resolves to a loopback, private, link-local, reserved or cloud-metadata address, which this deployment does not let tenants reach.',
  },
  upstream_timeout: { status: 504, type: 'upstream_error', message: 'The upstream provider did not answer in time.' },
  mcp_server_unreachable: {
    status: 502,
    type: 'upstream_error',
    message: 'The MCP server could not be reached, or did not answer as an MCP server (Streamable HTTP or HTTP+SSE).',
  },
  mcp_server_error: { status: 502, type: 'upstream_error', message: 'The MCP server answered with an error.' },
  mcp_server_timeout: { status: 504, type: 'upstream_error', message: 'The MCP server did not answer in time.' },
  invalid_structured_output: {
    status: 502,
    type: 'upstream_error',
    message: 'The model did not answer with JSON matching the response schema, even when asked again.',
  },
  usage_queue_full: {
    status: 503,
    type: 'server_error',
    message: 'Usage metering is backed up; the request was not sent upstream. Retry shortly.',
  },
  database_unavailable: {
    status: 503,
    type: 'server_error',
    message: 'The database cannot be reached just now, and this request needs it. Retry shortly.',
  },
  limits_unavailable: {
    status: 503,
    type: 'server_error',
    message: 'The shared limit counters (Redis) are unreachable and this deployment refuses limited requests meanwhile. Retry shortly.',
  },
  cache_unavailable: {
    status: 503,
    type: 'server_error',
    message: 'The response cache’s store (Redis) cannot be reached just now; nothing was cleared. Retry shortly.',
  },
  shutting_down: { status: 503, type: 'server_error', message: 'The gateway is shutting down.' },
  internal_error: { status: 500, type: 'server_error', message: 'Internal error.' },
} as const satisfies Record<string, CatalogueEntry>;

export type ErrorCode = keyof typeof errorCatalogue;
