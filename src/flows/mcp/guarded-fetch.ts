// The fetch the MCP SDK's transports are given for tenants' servers: every connection through the address guard
// (SHUTTLE_ALLOW_PRIVATE_NETWORKS, checked on the address connected to), and no response body past a size cap, so a
// hostile server can neither reach the internal network through Shuttle nor fill its memory.
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import { type Dispatcher, fetch as undiciFetch } from 'undici';

export class ResponseTooLargeError extends Error {
  constructor(maxBytes: number) {
    super(`a response larger than ${Math.round(maxBytes / 1024 / 1024)} MiB`);
    this.name = 'ResponseTooLargeError';
  }
}

export function guardedFetch(dispatcher: Dispatcher, maxResponseBytes: number): FetchLike {
  return async (url, init) => {
    // undici's own fetch, so that the dispatcher is the one it was built for; its Request and Response are the Web's.
    const response = (await undiciFetch(url, { ...(init as object), dispatcher } as Parameters<
      typeof undiciFetch
    >[1])) as unknown as Response;
    return capped(response, maxResponseBytes);
  };
}

function capped(response: Response, maxBytes: number): Response {
  if (response.body === null) return response;
  let seen = 0;
  const body = response.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        seen += chunk.byteLength;
        if (seen > maxBytes) controller.error(new ResponseTooLargeError(maxBytes));
        else controller.enqueue(chunk);
      },
    }),
  );
  return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
}
