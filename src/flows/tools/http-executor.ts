// Calls an http tool: the environment's URL (else the tool's), its {placeholders} filled with URL-encoded arguments,
// the other arguments as the query (GET) or a JSON body (POST), the tool's headers decrypted here only. Connections
// go through the tenant connector, so the private-network rules hold on the address actually connected to (a name
// rebound after the tool was saved included). At most 1 MB of the answer is read; a non-2xx answer, a timeout or a
// refused address becomes an error text for the model.
import { type Dispatcher, request } from 'undici';
import { PLACEHOLDER, RESPONSE_CAP_BYTES } from './tool-definition.js';
import { type StoredTool, type ToolCallContext, ToolCallError, type ToolExecutor } from './tool-executor.js';
import type { ToolLibrary } from './tool-library.js';

/** How much of a failed answer's body the model is shown. */
const ERROR_BODY_CHARS = 2000;

const asText = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

export class HttpToolExecutor implements ToolExecutor {
  constructor(
    private readonly library: ToolLibrary,
    /** An undici dispatcher whose connections pass the address policy (guardedConnector). */
    private readonly dispatcher: Dispatcher,
  ) {}

  async call(tool: StoredTool, args: Record<string, unknown>, ctx: ToolCallContext): Promise<string> {
    const config = tool.config as { url: string; urls?: Record<string, string>; method: 'GET' | 'POST'; timeoutMs: number };
    const rest = { ...args };
    const missing: string[] = [];
    const template = config.urls?.[ctx.environment] ?? config.url;
    const filled = template.replace(PLACEHOLDER, (_match, name: string) => {
      const value = args[name];
      delete rest[name];
      if (value === undefined || value === null) {
        missing.push(name);
        return '';
      }
      return encodeURIComponent(asText(value));
    });
    if (missing.length > 0)
      throw new ToolCallError(`missing argument${missing.length === 1 ? '' : 's'} for the URL: ${missing.join(', ')}`);
    const url = new URL(filled);
    if (config.method === 'GET') for (const [name, value] of Object.entries(rest)) url.searchParams.append(name, asText(value));
    const headers: Record<string, string> = {
      accept: 'application/json, text/plain;q=0.9, */*;q=0.5',
      'user-agent': 'Shuttle-flow-tools',
      ...this.library.headersOf(tool),
      ...(config.method === 'POST' ? { 'content-type': 'application/json' } : {}),
    };
    const timeout = AbortSignal.timeout(config.timeoutMs);
    let answer: Dispatcher.ResponseData<unknown>;
    try {
      answer = await request(url, {
        method: config.method,
        headers,
        ...(config.method === 'POST' ? { body: JSON.stringify(rest) } : {}),
        dispatcher: this.dispatcher,
        signal: AbortSignal.any([timeout, ctx.signal]),
        headersTimeout: config.timeoutMs,
        bodyTimeout: config.timeoutMs,
      });
    } catch (error) {
      throw new ToolCallError(failure(error, timeout, config.timeoutMs), { cause: error });
    }
    let body: { text: string; cut: boolean };
    try {
      body = await readCapped(answer.body, RESPONSE_CAP_BYTES);
    } catch (error) {
      throw new ToolCallError(failure(error, timeout, config.timeoutMs), { cause: error });
    }
    if (answer.statusCode < 200 || answer.statusCode >= 300) {
      throw new ToolCallError(`the tool's endpoint answered HTTP ${answer.statusCode}: ${body.text.slice(0, ERROR_BODY_CHARS)}`);
    }
    return body.cut ? `${body.text}\n[cut: the answer exceeded ${RESPONSE_CAP_BYTES} bytes]` : body.text;
  }
}

function failure(error: unknown, timeout: AbortSignal, timeoutMs: number): string {
  if (timeout.aborted) return `the tool's endpoint did not answer within ${timeoutMs} ms`;
  const message = error instanceof Error ? error.message : String(error);
  // A refused address says so (without the address); other network errors by their code only.
  if (error instanceof Error && error.name === 'AddressRefusedError') return message;
  const code = (error as { code?: unknown }).code;
  return `the tool's endpoint could not be reached${typeof code === 'string' ? ` (${code})` : ''}`;
}

async function readCapped(body: Dispatcher.ResponseData<unknown>['body'], cap: number): Promise<{ text: string; cut: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buffer = chunk as Buffer;
    if (size + buffer.length > cap) {
      chunks.push(buffer.subarray(0, cap - size));
      body.destroy();
      return { text: Buffer.concat(chunks).toString('utf8'), cut: true };
    }
    chunks.push(buffer);
    size += buffer.length;
  }
  return { text: Buffer.concat(chunks).toString('utf8'), cut: false };
}
