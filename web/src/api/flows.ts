// Flows: the list, one flow and its versions, activations and promotions between environments, runs and the run log.
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client';
import type { EnvironmentDiff, Flow, FlowRunResult, FlowRunSummary, FlowTemplate, FlowVersion, List } from './types';

// Everything under ['flows'], so any change (a version, an activation, a promotion) refreshes what shows it.
const FLOWS = ['flows'] as const;
const flowPath = (flow: string) => `/flows/${encodeURIComponent(flow)}`;

function useFlowMutation<Input, Output>(run: (input: Input) => Promise<Output>) {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: run, onSuccess: () => queryClient.invalidateQueries({ queryKey: FLOWS }) });
}

export function useFlows() {
  return useQuery({ queryKey: [...FLOWS, 'list'], queryFn: () => api<List<Flow>>('/flows') });
}

export function useFlow(flow: string) {
  return useQuery({ queryKey: [...FLOWS, 'one', flow], queryFn: () => api<Flow>(flowPath(flow)) });
}

export function useFlowVersions(flow: string) {
  return useQuery({ queryKey: [...FLOWS, 'versions', flow], queryFn: () => api<List<FlowVersion>>(`${flowPath(flow)}/versions`) });
}

export function useCreateFlow() {
  return useFlowMutation((input: { title: string; slug?: string }) => api<Flow>('/flows', { method: 'POST', body: input }));
}

export interface NewVersion {
  templates: Record<string, FlowTemplate>;
  description?: string;
}

export function useCreateVersion(flow: string) {
  return useFlowMutation((input: NewVersion) => api<FlowVersion>(`${flowPath(flow)}/versions`, { method: 'POST', body: input }));
}

export function useActivateVersion(flow: string) {
  return useFlowMutation(({ version, environment }: { version: number; environment: string }) =>
    api<{ flowId: string; environment: string; version: number; previousVersion: number | null }>(
      `${flowPath(flow)}/versions/${version}/environments`,
      { method: 'POST', body: { environment } },
    ),
  );
}

export function useEnvironmentDiff(from: string, to: string) {
  return useQuery({
    queryKey: [...FLOWS, 'environment-diff', from, to],
    queryFn: () => api<EnvironmentDiff>('/environments/diff', { query: { from, to } }),
    enabled: from !== '' && to !== '' && from !== to,
  });
}

export function usePromote() {
  return useFlowMutation((input: { from: string; to: string; flows?: string[] }) =>
    api<EnvironmentDiff>('/environments/promote', { method: 'POST', body: input }),
  );
}

export interface RunInput {
  parameters: Record<string, string>;
  environment: string;
  version?: number;
  customerId?: string;
}

export function useRunFlow(flow: string) {
  return useMutation({ mutationFn: (input: RunInput) => api<FlowRunResult>(`${flowPath(flow)}/runs`, { method: 'POST', body: input }) });
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
    queryFn: ({ pageParam }) => api<List<FlowRunSummary>>(`${flowPath(flow)}/runs`, { query: { limit: 20, cursor: pageParam } }),
    getNextPageParam: (page) => page.nextCursor,
    refetchInterval: (query) => {
      if (!awaited || Date.now() > awaited.until) return false;
      const shown = query.state.data?.pages[0]?.data.some((run) => run.id === awaited.id) ?? false;
      return shown ? false : 300;
    },
  });
}
