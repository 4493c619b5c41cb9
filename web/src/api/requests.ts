// The request log: a filtered list of requests, newest first, a page at a time, and one request with its bodies.
import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import type { Client } from 'openapi-fetch';
import { api, dataOf } from './client';

// Hand-written from the request log contract (issue 23) until the API is in docs/openapi.json; then these become
// Answer<'/api/v1/requests', 'get'> and friends in types.ts, and `requestLog` becomes `api`.
export type LoggedEndpoint = 'chat.completions' | 'embeddings' | 'responses' | 'messages' | 'flows.run';

export interface RequestSummary {
  id: string;
  createdAt: string;
  endpoint: string;
  environment: string | null;
  keyId: string | null;
  customerId: string | null;
  requestedModel: string | null;
  servedModel: string | null;
  provider: string | null;
  status: number;
  errorCode: string | null;
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  costMicros: number;
  costUsd: number;
  latencyMs: number;
  ttftMs: number | null;
  streamed: boolean;
  attemptCount: number;
  level: 'full' | 'metadata';
  preview: string | null;
}

export interface RequestAttempt {
  provider: string;
  model: string | null;
  status: number | null;
  latencyMs: number;
  errorCode: string | null;
  errorMessage: string | null;
}

export interface LoggedBody {
  /** JSON as sent or answered; a string (the text kept) when truncated. */
  body: unknown;
  truncated: boolean;
  bytes: number;
}

export interface RequestEntry extends RequestSummary {
  upstreamMs: number | null;
  flowId: string | null;
  flowVersion: number | null;
  metadata: Record<string, string> | null;
  attempts: RequestAttempt[];
  request: LoggedBody | null;
  response: LoggedBody | null;
}

export interface RequestListQuery {
  from?: string;
  to?: string;
  customer?: string;
  key?: string;
  model?: string;
  provider?: string;
  status?: string;
  environment?: string;
  endpoint?: string;
  q?: string;
  limit?: number;
  cursor?: string;
}

export interface RequestPage {
  data: RequestSummary[];
  nextCursor: string | null;
}

interface RequestLogPaths {
  '/api/v1/requests': {
    get: { parameters: { query?: RequestListQuery }; responses: { 200: { content: { 'application/json': RequestPage } } } };
  };
  '/api/v1/requests/{id}': {
    get: { parameters: { path: { id: string } }; responses: { 200: { content: { 'application/json': RequestEntry } } } };
  };
}

// The same client (session, tenant, errors), typed for the two paths the published schema does not have yet.
const requestLog = api as unknown as Client<RequestLogPaths>;

export type RequestFilter = Omit<RequestListQuery, 'limit' | 'cursor'>;

const PAGE_SIZE = 50;

export function useRequests(filter: RequestFilter) {
  return useInfiniteQuery({
    queryKey: ['requests', 'list', filter] as const,
    initialPageParam: null as string | null,
    queryFn: ({ pageParam }) =>
      dataOf(requestLog.GET('/api/v1/requests', { params: { query: { ...filter, limit: PAGE_SIZE, cursor: pageParam ?? undefined } } })),
    getNextPageParam: (page) => page.nextCursor,
    placeholderData: keepPreviousData,
  });
}

export function useRequest(id: string) {
  return useQuery({
    queryKey: ['requests', 'one', id] as const,
    queryFn: () => dataOf(requestLog.GET('/api/v1/requests/{id}', { params: { path: { id } } })),
  });
}
