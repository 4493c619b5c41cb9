// One short session with a registered MCP server through the official SDK's Client: Streamable HTTP first, then the
// older HTTP+SSE transport when the server answers the first with a 4xx (the SDK's documented backwards
// compatibility). Every request goes through a fetch given by the caller (the address guard), under a deadline for
// connecting and one for the work; any failure becomes a ShuttleError in Shuttle's own words.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport, SseError } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { errorCatalogue } from '../../errors/catalogue.js';
import { ShuttleError } from '../../errors/shuttle-error.js';
import { AddressRefusedError } from '../../network/address-policy.js';
import { ResponseTooLargeError } from './guarded-fetch.js';

export interface McpEndpoint {
  /** The server's name, for messages. */
  name: string;
  url: string;
  headers: Record<string, string>;
}

export interface McpSessionOptions {
  fetch: FetchLike;
  connectTimeoutMs: number;
  callTimeoutMs: number;
}

/** What the work of a session gets: the connected client, and the options its requests must carry. */
export interface McpSession {
  client: Client;
  /** `timeout` and `signal` for each SDK request, so none outlives the session's deadline. */
  requestOptions: { timeout: number; signal: AbortSignal };
}

const CLIENT_INFO = { name: 'shuttle', version: '1' };

class DeadlinePassed extends Error {
  constructor(readonly phase: 'connect' | 'call') {
    super(`deadline passed while ${phase === 'connect' ? 'connecting' : 'waiting for an answer'}`);
  }
}

/** Connects, runs `work`, and closes the session whatever happens. */
export async function withMcpSession<T>(
  endpoint: McpEndpoint,
  options: McpSessionOptions,
  work: (session: McpSession) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  const fetch: FetchLike = (url, init) => options.fetch(url, { ...init, signal: joined(init?.signal, controller.signal) });
  let client: Client | undefined;
  const connecting = connect(endpoint, fetch, options.connectTimeoutMs, controller.signal);
  try {
    client = await deadline(connecting, options.connectTimeoutMs, 'connect', controller);
    const session = { client, requestOptions: { timeout: options.callTimeoutMs, signal: controller.signal } };
    return await deadline(work(session), options.callTimeoutMs, 'call', controller);
  } catch (error) {
    throw mcpFailure(endpoint.name, error);
  } finally {
    controller.abort();
    if (client) await client.close().catch(() => undefined);
    // A connection that completes after its deadline is closed as soon as it does.
    else connecting.then((late) => late.close()).catch(() => undefined);
  }
}

async function connect(endpoint: McpEndpoint, fetch: FetchLike, timeout: number, signal: AbortSignal): Promise<Client> {
  const url = new URL(endpoint.url);
  const requestInit = { headers: endpoint.headers };
  const streamable = new Client(CLIENT_INFO);
  try {
    await streamable.connect(new StreamableHTTPClientTransport(url, { fetch, requestInit }), { timeout, signal });
    return streamable;
  } catch (error) {
    await streamable.close().catch(() => undefined);
    // Only a 4xx to the Streamable HTTP POST says the server may speak the older transport.
    if (!(error instanceof StreamableHTTPError) || error.code === undefined || error.code < 400 || error.code > 499) throw error;
    const sse = new Client(CLIENT_INFO);
    try {
      await sse.connect(new SSEClientTransport(url, { fetch, requestInit }), { timeout, signal });
      return sse;
    } catch (fallbackError) {
      await sse.close().catch(() => undefined);
      // A refusal or a timeout of the fallback says more than the 4xx; otherwise the first answer does.
      throw isRefusal(fallbackError) || fallbackError instanceof DeadlinePassed ? fallbackError : error;
    }
  }
}

function deadline<T>(work: Promise<T>, ms: number, phase: 'connect' | 'call', controller: AbortController): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const passed = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      const error = new DeadlinePassed(phase);
      reject(error);
      controller.abort(error);
    }, ms);
  });
  return Promise.race([work, passed]).finally(() => clearTimeout(timer));
}

function joined(a: AbortSignal | null | undefined, b: AbortSignal): AbortSignal {
  return a ? AbortSignal.any([a, b]) : b;
}

function causes(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (
    let current = error;
    current !== undefined && current !== null && chain.length < 8;
    current = (current as { cause?: unknown }).cause
  ) {
    chain.push(current);
  }
  return chain;
}

function isRefusal(error: unknown): boolean {
  return causes(error).some((cause) => cause instanceof AddressRefusedError);
}

/** The answer a server's HTTP status or JSON-RPC message becomes, at most this long: it is the tenant's server's text. */
const QUOTED_CHARS = 300;

function quoted(text: string): string {
  const clean = text.replace(/\s+/g, ' ').trim();
  return clean.length > QUOTED_CHARS ? `${clean.slice(0, QUOTED_CHARS)}…` : clean;
}

/** Any failure of a session as the error the API answers (and a tool call reports). */
export function mcpFailure(name: string, error: unknown): ShuttleError {
  if (error instanceof ShuttleError) return error;
  const chain = causes(error);
  if (chain.some((cause) => cause instanceof DeadlinePassed) || (error instanceof McpError && error.code === ErrorCode.RequestTimeout)) {
    return new ShuttleError('mcp_server_timeout', { message: `The MCP server "${name}" did not answer in time.` });
  }
  if (isRefusal(error)) {
    return new ShuttleError('upstream_address_refused', {
      message: `Shuttle refused to connect to the MCP server "${name}": ${errorCatalogue.private_network_refused.message} The operator can allow private networks with SHUTTLE_ALLOW_PRIVATE_NETWORKS.`,
    });
  }
  const tooLarge = chain.find((cause) => cause instanceof ResponseTooLargeError);
  if (tooLarge) return new ShuttleError('mcp_server_error', { message: `The MCP server "${name}" sent ${(tooLarge as Error).message}.` });
  if (error instanceof McpError) {
    return new ShuttleError('mcp_server_error', { message: `The MCP server "${name}" answered with an error: ${quoted(error.message)}` });
  }
  const status = error instanceof StreamableHTTPError || error instanceof SseError ? error.code : undefined;
  if (status === 401 || status === 403) {
    return new ShuttleError('mcp_server_error', {
      message: `The MCP server "${name}" refused Shuttle's request (HTTP ${status}): check the headers registered with it.`,
    });
  }
  if (status !== undefined) {
    return new ShuttleError('mcp_server_unreachable', {
      message: `The MCP server "${name}" answered with HTTP ${status}, over Streamable HTTP and over HTTP+SSE.`,
    });
  }
  return new ShuttleError('mcp_server_unreachable', {
    message: `Could not connect to the MCP server "${name}", or it did not answer as an MCP server (Streamable HTTP or HTTP+SSE).`,
  });
}
