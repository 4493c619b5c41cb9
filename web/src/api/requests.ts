// The request log: a filtered list of requests, newest first, a page at a time, and one request with its bodies.
import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { api, dataOf } from './client';
import type { RequestListQuery } from './types';

export type { LoggedBody, LoggedEndpoint, RequestAttempt, RequestEntry, RequestSummary } from './types';

export type RequestFilter = Omit<RequestListQuery, 'limit' | 'cursor'>;

const PAGE_SIZE = 50;

export function useRequests(filter: RequestFilter) {
  return useInfiniteQuery({
    queryKey: ['requests', 'list', filter] as const,
    initialPageParam: null as string | null,
    queryFn: ({ pageParam }) =>
      dataOf(api.GET('/api/v1/requests', { params: { query: { ...filter, limit: PAGE_SIZE, cursor: pageParam ?? undefined } } })),
    getNextPageParam: (page) => page.nextCursor,
    placeholderData: keepPreviousData,
  });
}

export function useRequest(id: string) {
  return useQuery({
    queryKey: ['requests', 'one', id] as const,
    queryFn: () => dataOf(api.GET('/api/v1/requests/{id}', { params: { path: { id } } })),
  });
}
