// The flow tool library and the MCP servers its mcp tools come from: lists, changes, a tool's test call, and a
// server's discovery and import.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, dataOf } from './client';
import type { McpServerPatch, NewMcpServer, NewTool, ToolPatch } from './types';

const TOOLS = ['tools'] as const;
const MCP_SERVERS = ['mcp-servers'] as const;

function useInvalidating<Input, Output>(keys: ReadonlyArray<readonly unknown[]>, run: (input: Input) => Promise<Output>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: run,
    onSuccess: () => Promise.all(keys.map((queryKey) => queryClient.invalidateQueries({ queryKey }))),
  });
}

export function useTools() {
  return useQuery({ queryKey: TOOLS, queryFn: () => dataOf(api.GET('/api/v1/tools')) });
}

export function useCreateTool() {
  return useInvalidating([TOOLS], (body: NewTool) => dataOf(api.POST('/api/v1/tools', { body })));
}

export function useUpdateTool() {
  return useInvalidating([TOOLS], ({ id, body }: { id: string; body: ToolPatch }) =>
    dataOf(api.PATCH('/api/v1/tools/{tool}', { params: { path: { tool: id } }, body })),
  );
}

export function useDeleteTool() {
  return useInvalidating([TOOLS], (id: string) => dataOf(api.DELETE('/api/v1/tools/{tool}', { params: { path: { tool: id } } })));
}

/** Calls the tool once, as a run would, with the arguments given: its result, status and latency. */
export function useTestTool() {
  return useMutation({
    mutationFn: ({ id, args, environment }: { id: string; args: Record<string, unknown>; environment?: string }) =>
      dataOf(
        api.POST('/api/v1/tools/{tool}/test', {
          params: { path: { tool: id } },
          body: { arguments: args, ...(environment ? { environment } : {}) },
        }),
      ),
  });
}

export function useMcpServers() {
  return useQuery({ queryKey: MCP_SERVERS, queryFn: () => dataOf(api.GET('/api/v1/mcp-servers')) });
}

export function useCreateMcpServer() {
  return useInvalidating([MCP_SERVERS], (body: NewMcpServer) => dataOf(api.POST('/api/v1/mcp-servers', { body })));
}

export function useUpdateMcpServer() {
  return useInvalidating([MCP_SERVERS], ({ id, body }: { id: string; body: McpServerPatch }) =>
    dataOf(api.PATCH('/api/v1/mcp-servers/{id}', { params: { path: { id } }, body })),
  );
}

export function useDeleteMcpServer() {
  return useInvalidating([MCP_SERVERS, TOOLS], (id: string) =>
    dataOf(api.DELETE('/api/v1/mcp-servers/{id}', { params: { path: { id } } })),
  );
}

/** Connects to the server and lists its tools (each marked when the library already has it). Asked on demand. */
export function useDiscoverMcpServer(id: string) {
  return useQuery({
    queryKey: [...MCP_SERVERS, 'discover', id],
    queryFn: () => dataOf(api.POST('/api/v1/mcp-servers/{id}/discover', { params: { path: { id } } })),
    staleTime: 0,
    retry: false,
    refetchOnWindowFocus: false,
  });
}

export function useImportMcpTools() {
  return useInvalidating([TOOLS, MCP_SERVERS], ({ id, tools }: { id: string; tools: string[] }) =>
    dataOf(api.POST('/api/v1/mcp-servers/{id}/import', { params: { path: { id } }, body: { tools } })),
  );
}
