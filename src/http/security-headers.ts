// The headers that lock the dashboard down in the browser: a Content-Security-Policy that runs only the dashboard's
// own script files (no inline script, no eval), no framing, no referrer sent with the tenant's paths, and HSTS when
// the page was fetched over https.
import type { FastifyReply, FastifyRequest } from 'fastify';

/** Where index.html (web/index.html) asks for the per-response style nonce. */
export const NONCE_PLACEHOLDER = 'shuttle-csp-nonce';

const POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
];
const STATIC_POLICY = [...POLICY, "style-src 'self'"].join('; ');

/** One year, the figure HSTS preload lists ask for; subdomains are left to the operator's own proxy. */
const HSTS = 'max-age=31536000';

export function setDashboardHeaders(request: FastifyRequest, reply: FastifyReply, styleNonce?: string): void {
  reply
    .header('content-security-policy', styleNonce ? [...POLICY, `style-src 'self' 'nonce-${styleNonce}'`].join('; ') : STATIC_POLICY)
    .header('x-frame-options', 'DENY')
    .header('referrer-policy', 'no-referrer')
    .header('cross-origin-opener-policy', 'same-origin');
  // request.protocol is https over TLS, or behind a trusted proxy (SHUTTLE_TRUST_PROXY) that says X-Forwarded-Proto: https.
  if (request.protocol === 'https') reply.header('strict-transport-security', HSTS);
}
