// Calls an mcp tool through the registered MCP servers (the "mcp" part of issue 24 owns the connection): the
// server's answer is the model's text, and a tool result flagged as an error reaches the model as one.
import { type StoredTool, type ToolCallContext, ToolCallError, type ToolExecutor } from './tool-executor.js';

/** What this executor needs of the MCP servers' service (`McpServers.callTool`). */
export interface McpToolCaller {
  callTool(
    tenantId: string,
    serverId: string,
    toolName: string,
    args: Record<string, unknown>,
  ): Promise<{ text: string; isError: boolean }>;
}

export class McpToolExecutor implements ToolExecutor {
  constructor(private readonly servers: McpToolCaller) {}

  async call(tool: StoredTool, args: Record<string, unknown>, ctx: ToolCallContext): Promise<string> {
    const { serverId, toolName } = tool.config as { serverId: string; toolName: string };
    const answer = await this.servers.callTool(ctx.tenantId, serverId, toolName, args);
    if (answer.isError) throw new ToolCallError(answer.text);
    return answer.text;
  }
}
