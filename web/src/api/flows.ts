// Flows: the list, one flow and its versions, activations and promotions between environments, runs and the run log.
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, dataOf } from './client';
import type { FlowRunInput, NewVersion } from './types';

// Everything under ['flows'], so any change (a version, an activation, a promotion) refreshes what shows it.
const FLOWS = ['flows'] as const;
const inFlow = (flow: string) => ({ path: { flow } });

function useFlowMutation<Input, Output>(run: (input: Input) => Promise<Output>) {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: run, onSuccess: () => queryClient.invalidateQueries({ queryKey: FLOWS }) });
}

export function useFlows() {
  return useQuery({ queryKey: [...FLOWS, 'list'], queryFn: () => dataOf(api.GET('/api/v1/flows')) });
}

export function useFlow(flow: string) {
  return useQuery({ queryKey: [...FLOWS, 'one', flow], queryFn: () => dataOf(api.GET('/api/v1/flows/{flow}', { params: inFlow(flow) })) });
}

export function useFlowVersions(flow: string) {
  return useQuery({
    queryKey: [...FLOWS, 'versions', flow],
    queryFn: () => dataOf(api.GET('/api/v1/flows/{flow}/versions', { params: inFlow(flow) })),
  });
}

export function useCreateFlow() {
  return useFlowMutation((body: { title: string; slug?: string }) => dataOf(api.POST('/api/v1/flows', { body })));
}

export type { NewVersion };

export function useCreateVersion(flow: string) {
  return useFlowMutation((body: NewVersion) => dataOf(api.POST('/api/v1/flows/{flow}/versions', { params: inFlow(flow), body })));
}

export function useActivateVersion(flow: string) {
  return useFlowMutation(({ version, environment }: { version: number; environment: string }) =>
    dataOf(api.POST('/api/v1/flows/{flow}/versions/{n}/environments', { params: { path: { flow, n: version } }, body: { environment } })),
  );
}

export function useEnvironmentDiff(from: string, to: string) {
  return useQuery({
    queryKey: [...FLOWS, 'environment-diff', from, to],
    queryFn: () => dataOf(api.GET('/api/v1/environments/diff', { params: { query: { from, to } } })),
    enabled: from !== '' && to !== '' && from !== to,
  });
}

export function usePromote() {
  return useFlowMutation((body: { from: string; to: string; flows?: string[] }) =>
    dataOf(api.POST('/api/v1/environments/promote', { body })),
  );
}

export type RunInput = FlowRunInput;

export function useRunFlow(flow: string) {
  return useMutation({ mutationFn: (body: RunInput) => dataOf(api.POST('/api/v1/flows/{flow}/runs', { params: inFlow(flow), body })) });
}

/**
 * A run the log should soon show: run records are written in batches (like usage events), so the log polls briefly
 * after a run until the run is there (`id`), or until `until` when the run's id is unknown (a refused run).
 */
export interface AwaitedRun {
  id: string | null;
  until: number;
}

export function useFlowRuns(flow: string, awaited: AwaitedRun | null) {
  return useInfiniteQuery({
    queryKey: [...FLOWS, 'runs', flow],
    initialPageParam: null as string | null,
    queryFn: ({ pageParam }) =>
      dataOf(api.GET('/api/v1/flows/{flow}/runs', { params: { ...inFlow(flow), query: { limit: 20, cursor: pageParam ?? undefined } } })),
    getNextPageParam: (page) => page.nextCursor,
    refetchInterval: (query) => {
      if (!awaited || Date.now() > awaited.until) return false;
      const shown = query.state.data?.pages[0]?.data.some((run) => run.id === awaited.id) ?? false;
      return shown ? false : 300;
    },
  });
}

/** One run of the log with its prompt, answer and tool calls. */
export function useFlowRun(flow: string, id: string | null) {
  return useQuery({
    queryKey: [...FLOWS, 'run', flow, id],
    queryFn: () => dataOf(api.GET('/api/v1/flows/{flow}/runs/{id}', { params: { path: { flow, id: id ?? '' } } })),
    enabled: id !== null,
  });
}
