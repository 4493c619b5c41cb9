// API keys: the list, and the changes an owner or admin makes to it.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client';
import type { ApiKey, CreatedKey, List } from './types';

const KEYS = ['keys'] as const;

export function useKeys() {
  return useQuery({ queryKey: KEYS, queryFn: () => api<List<ApiKey>>('/keys') });
}

function useKeyMutation<Input, Output>(run: (input: Input) => Promise<Output>) {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: run, onSuccess: () => queryClient.invalidateQueries({ queryKey: KEYS }) });
}

export function useCreateKey() {
  return useKeyMutation((input: { name: string; environment: string }) => api<CreatedKey>('/keys', { method: 'POST', body: input }));
}

export function useRenameKey() {
  return useKeyMutation((input: { id: string; name: string }) =>
    api<ApiKey>(`/keys/${encodeURIComponent(input.id)}`, { method: 'PATCH', body: { name: input.name } }),
  );
}

export function useDeleteKey() {
  return useKeyMutation((id: string) => api<void>(`/keys/${encodeURIComponent(id)}`, { method: 'DELETE' }));
}

export function useRegenerateMasterKey() {
  return useKeyMutation(() => api<CreatedKey>('/keys/master/regenerate', { method: 'POST' }));
}
