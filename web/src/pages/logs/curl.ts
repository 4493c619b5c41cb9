// "Copy as curl": a logged request as a command that sends it again to this gateway. The key is always the
// placeholder $SHUTTLE_API_KEY — the log never holds a secret, and the command must not either.
// Self-contained (no imports) so it can be unit-tested outside the browser.

export interface CurlSource {
  endpoint: string;
  customerId: string | null;
  flowId: string | null;
  /** The body as the client sent it; null when not kept (level metadata) or not whole (truncated). */
  body: unknown;
}

const PATHS: Record<string, (source: CurlSource) => string | null> = {
  'chat.completions': () => '/api/v1/chat/completions',
  embeddings: () => '/api/v1/embeddings',
  responses: () => '/api/v1/responses',
  messages: () => '/api/v1/messages',
  'flows.run': (source) => (source.flowId ? `/api/v1/flows/${encodeURIComponent(source.flowId)}/runs` : null),
};

/** A word for a POSIX shell, in single quotes ('it'\''s'). */
export function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/** The path a logged request was sent to, or null when it can't be told (an unknown endpoint, a flow without id). */
export function gatewayPath(source: CurlSource): string | null {
  return PATHS[source.endpoint]?.(source) ?? null;
}

/** The command, or null when there is no whole body to send or no path to send it to. */
export function curlCommand(source: CurlSource, origin: string): string | null {
  const path = gatewayPath(source);
  if (path === null || source.body === null || source.body === undefined || typeof source.body === 'string') return null;
  const body = source.body as Record<string, unknown>;
  // The customer came from the header unless the body names it (a flow run's customerId, OpenAI's user field).
  const customerInBody = body.customerId === source.customerId || body.user === source.customerId;
  const lines = [
    `curl ${body.stream === true ? '--no-buffer ' : ''}${shellQuote(`${origin}${path}`)}`,
    '-H "Authorization: Bearer $SHUTTLE_API_KEY"',
    `-H 'Content-Type: application/json'`,
    ...(source.customerId && !customerInBody ? [`-H ${shellQuote(`X-Shuttle-Customer-Id: ${source.customerId}`)}`] : []),
    `-d ${shellQuote(JSON.stringify(source.body))}`,
  ];
  return lines.join(' \\\n  ');
}
