// API keys: the list (with the server's sub-key maximum), and the changes an owner or admin makes to it.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, dataOf } from './client';
import { useUsage } from './usage';

const KEYS = ['keys'] as const;

export function useKeys() {
  return useQuery({ queryKey: KEYS, queryFn: () => dataOf(api.GET('/api/v1/keys')) });
}

function useKeyMutation<Input, Output>(run: (input: Input) => Promise<Output>) {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: run, onSuccess: () => queryClient.invalidateQueries({ queryKey: KEYS }) });
}

export function useCreateKey() {
  return useKeyMutation((body: { name: string; environment: string }) => dataOf(api.POST('/api/v1/keys', { body })));
}

export function useRenameKey() {
  return useKeyMutation(({ id, name }: { id: string; name: string }) =>
    dataOf(api.PATCH('/api/v1/keys/{id}', { params: { path: { id } }, body: { name } })),
  );
}

export function useDeleteKey() {
  return useKeyMutation((id: string) => dataOf(api.DELETE('/api/v1/keys/{id}', { params: { path: { id } } })));
}

export function useRegenerateMasterKey() {
  return useKeyMutation(() => dataOf(api.POST('/api/v1/keys/master/regenerate')));
}

/** Spend per key id since the start of this month (UTC, as the usage API counts days), from the usage API. */
export function useKeySpendThisMonth(now = new Date()) {
  const from = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)).toISOString().slice(0, 10);
  const usage = useUsage({ from, groupBy: 'key' });
  const spend = new Map<string, number>();
  for (const row of usage.data?.data ?? []) if (row.keyId) spend.set(row.keyId, row.costUsd);
  return { spend, isPending: usage.isPending, error: usage.error };
}
