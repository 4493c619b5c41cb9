// Tenant settings resources: environments, provider connections, routing rules, members and the audit log.
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client';
import type {
  AuditEntry,
  ConnectionTest,
  CreatedInvitation,
  Environment,
  Invitation,
  List,
  Member,
  ProviderConnection,
  Role,
  RoutingRule,
} from './types';

function useInvalidating<Input, Output>(queryKey: readonly unknown[], run: (input: Input) => Promise<Output>) {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: run, onSuccess: () => queryClient.invalidateQueries({ queryKey }) });
}

export function useEnvironments() {
  return useQuery({ queryKey: ['environments'], queryFn: () => api<List<Environment>>('/environments') });
}

export function useCreateEnvironment() {
  return useInvalidating(['environments'], (name: string) => api<Environment>('/environments', { method: 'POST', body: { name } }));
}

export function useDeleteEnvironment() {
  return useInvalidating(['environments'], (name: string) => api<void>(`/environments/${encodeURIComponent(name)}`, { method: 'DELETE' }));
}

export function useProviders() {
  return useQuery({ queryKey: ['providers'], queryFn: () => api<List<ProviderConnection>>('/providers') });
}

export interface NewProvider {
  name: string;
  type: string;
  environment: string;
  baseUrl?: string;
  apiKey?: string;
}

export function useCreateProvider() {
  return useInvalidating(['providers'], (body: NewProvider) => api<ProviderConnection>('/providers', { method: 'POST', body }));
}

export function useDeleteProvider() {
  return useInvalidating(['providers'], (id: string) => api<void>(`/providers/${encodeURIComponent(id)}`, { method: 'DELETE' }));
}

export function useTestProvider() {
  return useMutation({
    mutationFn: ({ id, model }: { id: string; model: string }) =>
      api<ConnectionTest>(`/providers/${encodeURIComponent(id)}/test`, { method: 'POST', body: { model } }),
  });
}

export function useRoutingRules(environment: string) {
  return useQuery({
    queryKey: ['routing-rules', environment],
    queryFn: () => api<List<RoutingRule>>('/routing-rules', { query: { environment } }),
  });
}

export function useSaveRoutingRule() {
  return useInvalidating(['routing-rules'], ({ alias, ...rule }: Omit<RoutingRule, 'alias'> & { alias: string }) =>
    api<RoutingRule>(`/routing-rules/${encodeURIComponent(alias)}`, { method: 'PUT', body: rule }),
  );
}

export function useDeleteRoutingRule() {
  return useInvalidating(['routing-rules'], ({ alias, environment }: { alias: string; environment: string }) =>
    api<void>(`/routing-rules/${encodeURIComponent(alias)}`, { method: 'DELETE', query: { environment } }),
  );
}

export function useMembers(enabled: boolean) {
  return useQuery({ queryKey: ['members'], queryFn: () => api<List<Member>>('/members'), enabled });
}

export function useInvitations(enabled: boolean) {
  return useQuery({ queryKey: ['invitations'], queryFn: () => api<List<Invitation>>('/invitations'), enabled });
}

export function useInvite() {
  return useInvalidating(['invitations'], (body: { email: string; role: Role; name?: string }) =>
    api<CreatedInvitation>('/invitations', { method: 'POST', body }),
  );
}

export function useRevokeInvitation() {
  return useInvalidating(['invitations'], (id: string) => api<void>(`/invitations/${encodeURIComponent(id)}`, { method: 'DELETE' }));
}

export function useChangeRole() {
  return useInvalidating(['members'], ({ userId, role }: { userId: string; role: Role }) =>
    api<Member>(`/members/${encodeURIComponent(userId)}`, { method: 'PATCH', body: { role } }),
  );
}

export function useRemoveMember() {
  return useInvalidating(['members'], (userId: string) => api<void>(`/members/${encodeURIComponent(userId)}`, { method: 'DELETE' }));
}

export function useAuditLog(action: string) {
  return useInfiniteQuery({
    queryKey: ['audit-log', action],
    initialPageParam: null as string | null,
    queryFn: ({ pageParam }) => api<List<AuditEntry>>('/audit-log', { query: { limit: 50, cursor: pageParam, action } }),
    getNextPageParam: (page) => page.nextCursor,
  });
}
