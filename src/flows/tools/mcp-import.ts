// MCP tools into the library: discover shows which of a server's tools are imported already, import turns named
// tools of the server (as it lists them now) into `mcp` tools of the library — all of them or none.
import { InvalidRequestError, ShuttleError } from '../../errors/shuttle-error.js';
import type { Actor } from '../../store/repositories/audit-log.js';
import type { DiscoveredTool, McpServers } from '../mcp/mcp-servers.js';
import { TOOL_NAME, type ToolInput } from './tool-definition.js';
import type { StoredTool, ToolLibrary } from './tool-library.js';

export interface DiscoveredToolView extends DiscoveredTool {
  /** A library tool of type mcp calls this tool of this server. */
  alreadyImported: boolean;
}

/** At most this many tools in one import. */
export const MAX_IMPORT = 100;

export class McpToolImport {
  constructor(
    private readonly servers: McpServers,
    private readonly library: ToolLibrary,
  ) {}

  async discover(tenantId: string, serverId: string): Promise<DiscoveredToolView[]> {
    const { tools } = await this.servers.discover(tenantId, serverId);
    const imported = new Set(
      (await this.library.list(tenantId))
        .filter((tool) => tool.type === 'mcp' && tool.config.serverId === serverId)
        .map((tool) => String(tool.config.toolName)),
    );
    return tools.map((tool) => ({ ...tool, alreadyImported: imported.has(tool.name) }));
  }

  /**
   * Each named tool becomes a library tool named like it, with the server's description and input schema. A name the
   * server does not list is a 400; a name the library already has a 409 naming it; either way nothing is created.
   */
  async import(tenantId: string, actor: Actor, serverId: string, names: readonly string[]): Promise<StoredTool[]> {
    if (new Set(names).size !== names.length) throw new InvalidRequestError('The list names a tool twice.', 'tools');
    const { tools } = await this.servers.discover(tenantId, serverId);
    const inputs: ToolInput[] = names.map((name, i) => {
      const tool = tools.find((candidate) => candidate.name === name);
      if (!tool) throw new InvalidRequestError(`The MCP server has no tool "${name}".`, `tools.${i}`);
      if (!TOOL_NAME.test(name)) {
        throw new InvalidRequestError(
          `"${name}" cannot be a library tool's name (1–64 letters, digits, _ or -), so this tool cannot be imported.`,
          `tools.${i}`,
        );
      }
      return {
        type: 'mcp',
        name,
        description: tool.description,
        parameters: tool.inputSchema,
        serverId,
        toolName: name,
        inputSchema: tool.inputSchema,
      };
    });
    const taken = new Set((await this.library.list(tenantId)).map((tool) => tool.name));
    for (const [i, input] of inputs.entries()) {
      if (taken.has(input.name)) {
        throw new ShuttleError('tool_name_taken', {
          message: `The library already has a tool named "${input.name}"; rename or delete it first. Nothing was imported.`,
          param: `tools.${i}`,
        });
      }
    }
    return this.library.createAll(tenantId, actor, inputs, 'tools');
  }
}
