// A tenant's registered MCP servers: every change to them (audit-logged with its write), and the two things Shuttle
// does with one — list its tools (discover) and call one (the `mcp` tool type's executor). Headers are encrypted at
// rest, never returned, and never sent to another origin than the one they were given for; URLs obey the
// private-network rules when saved and again on every connection.
import type { CredentialCipher } from '../../auth/credential-cipher.js';
import { InvalidRequestError, NotFoundError, ShuttleError } from '../../errors/shuttle-error.js';
import type { AddressPolicy } from '../../network/address-policy.js';
import { auditedChange } from '../../store/audited-change.js';
import type { Db } from '../../store/database.js';
import type { Actor, AuditAction } from '../../store/repositories/audit-log.js';
import { McpServerRepository, type StoredMcpServer } from '../../store/repositories/mcp-servers.js';
import { ToolRepository } from '../../store/repositories/tools.js';
import { type McpSession, type McpSessionOptions, withMcpSession } from './mcp-connection.js';
import { type ToolResultLike, toolResultText } from './tool-result-text.js';

/** A server as the API shows it: which headers are stored, never their values. */
export interface McpServerSummary {
  id: string;
  name: string;
  url: string;
  headerNames: string[];
  createdAt: number;
  updatedAt: number;
}

export interface NewMcpServer {
  name: string;
  url: string;
  headers?: Record<string, string> | undefined;
}

export type McpServerChange = Partial<NewMcpServer>;

export interface DiscoveredTool {
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
}

export interface ToolCallResult {
  /** The text content joined by newlines; other content summarised in brackets. */
  text: string;
  /** The server's own verdict: the tool ran but failed (its text says why). */
  isError: boolean;
}

/** At most this many tools are listed from one server (pages followed until then). */
const MAX_TOOLS = 1000;
const MAX_PAGES = 50;
const MAX_DESCRIPTION_CHARS = 4000;

export class McpServers {
  constructor(
    private readonly db: Db,
    private readonly cipher: CredentialCipher,
    private readonly network: AddressPolicy,
    private readonly session: McpSessionOptions,
  ) {}

  async list(tenantId: string): Promise<McpServerSummary[]> {
    return (await new McpServerRepository(this.db).list(tenantId)).map((server) => this.summary(server));
  }

  async get(tenantId: string, id: string): Promise<McpServerSummary> {
    return this.summary(await this.find(tenantId, id));
  }

  async create(tenantId: string, actor: Actor, input: NewMcpServer): Promise<McpServerSummary> {
    await this.assertReachable(input.url);
    const encryptedHeaders = this.cipher.encrypt(input.headers ?? {});
    const stored = await auditedChange(this.db, async (trx, audit) => {
      const created = await new McpServerRepository(trx).create(tenantId, { name: input.name, url: input.url, encryptedHeaders });
      await audit(tenantId, actor, auditEntry('mcp_server.created', created));
      return created;
    });
    return this.summary(stored);
  }

  /**
   * Given headers replace the stored ones. A URL on another origin keeps no stored header: they are sent again with
   * it (or `{}` to drop them), else 400 credentials_required.
   */
  async update(tenantId: string, actor: Actor, id: string, change: McpServerChange): Promise<McpServerSummary> {
    const current = await this.find(tenantId, id);
    if (change.url !== undefined) {
      await this.assertReachable(change.url);
      const stored = this.cipher.decrypt(current.encryptedHeaders);
      if (new URL(change.url).origin !== new URL(current.url).origin && change.headers === undefined && Object.keys(stored).length > 0) {
        throw new ShuttleError('credentials_required', {
          message: 'Stored headers are never sent to another origin: send them again with the new url (or "headers": {} to drop them).',
          param: 'headers',
        });
      }
    }
    const updated = await auditedChange(this.db, async (trx, audit) => {
      const repository = new McpServerRepository(trx);
      const fresh = await repository.get(tenantId, id);
      if (!fresh) throw notFound(id);
      const next = await repository.update(tenantId, fresh, {
        ...(change.name === undefined ? {} : { name: change.name }),
        ...(change.url === undefined ? {} : { url: change.url }),
        ...(change.headers === undefined ? {} : { encryptedHeaders: this.cipher.encrypt(change.headers) }),
      });
      await audit(tenantId, actor, {
        ...auditEntry('mcp_server.updated', next),
        details: { name: next.name, url: next.url, changed: Object.keys(change).sort() },
      });
      return next;
    });
    return this.summary(updated);
  }

  async delete(tenantId: string, actor: Actor, id: string): Promise<void> {
    await auditedChange(this.db, async (trx, audit) => {
      const repository = new McpServerRepository(trx);
      const stored = await repository.get(tenantId, id);
      if (!stored) throw notFound(id);
      // Refused rather than cascaded: deleting the tools could break versions that name them (see tool_in_use).
      const users = (await new ToolRepository(trx).list(tenantId))
        .filter((tool) => tool.type === 'mcp' && tool.config.serverId === id)
        .map((tool) => tool.name);
      if (users.length > 0) {
        throw new ShuttleError('mcp_server_in_use', {
          message: `Tools of the library call this MCP server (${users.join(', ')}): delete them first.`,
        });
      }
      await repository.delete(tenantId, id);
      await audit(tenantId, actor, auditEntry('mcp_server.deleted', stored));
    });
  }

  /** The server's tools, as it lists them (every page, up to 1,000 tools). */
  async discover(tenantId: string, serverId: string): Promise<{ tools: DiscoveredTool[] }> {
    const tools = await this.withSession(tenantId, serverId, async ({ client, requestOptions }) => {
      const found: DiscoveredTool[] = [];
      // A server without the tools capability has none to list (asking would be a JSON-RPC error).
      if (!client.getServerCapabilities()?.tools) return found;
      let cursor: string | undefined;
      for (let page = 0; page < MAX_PAGES && found.length < MAX_TOOLS; page++) {
        const listed = await client.listTools(cursor === undefined ? {} : { cursor }, requestOptions);
        for (const tool of listed.tools.slice(0, MAX_TOOLS - found.length)) {
          found.push({
            name: tool.name,
            description: (tool.description ?? tool.title ?? '').slice(0, MAX_DESCRIPTION_CHARS),
            inputSchema: tool.inputSchema as Record<string, unknown>,
          });
        }
        cursor = listed.nextCursor;
        if (cursor === undefined) break;
      }
      return found;
    });
    return { tools };
  }

  /**
   * Calls one tool of the server. A tool that ran and failed resolves with isError (its text says why); a server that
   * cannot be reached, times out or answers with a protocol error (an unknown tool) rejects with a ShuttleError.
   */
  async callTool(tenantId: string, serverId: string, toolName: string, args: Record<string, unknown>): Promise<ToolCallResult> {
    return this.withSession(tenantId, serverId, async ({ client, requestOptions }) => {
      const result = await client.callTool({ name: toolName, arguments: args }, undefined, requestOptions);
      return { text: toolResultText(result as ToolResultLike), isError: result.isError === true };
    });
  }

  private async withSession<T>(tenantId: string, serverId: string, work: (session: McpSession) => Promise<T>): Promise<T> {
    const server = await this.find(tenantId, serverId);
    const endpoint = { name: server.name, url: server.url, headers: this.cipher.decrypt(server.encryptedHeaders) };
    return withMcpSession(endpoint, this.session, work);
  }

  private async find(tenantId: string, id: string): Promise<StoredMcpServer> {
    const stored = await new McpServerRepository(this.db).get(tenantId, id);
    if (!stored) throw notFound(id);
    return stored;
  }

  /** Refuses with 400 a URL tenants may not reach: a private address, or a name resolving to one (now). */
  private async assertReachable(url: string): Promise<void> {
    if (!URL.canParse(url)) throw new InvalidRequestError(`"${url}" is not a URL.`, 'url');
    await this.network.assertAllowed(url, 'url');
  }

  private summary(stored: StoredMcpServer): McpServerSummary {
    return {
      id: stored.id,
      name: stored.name,
      url: stored.url,
      headerNames: Object.keys(this.cipher.decrypt(stored.encryptedHeaders)).sort(),
      createdAt: stored.createdAt,
      updatedAt: stored.updatedAt,
    };
  }
}

function notFound(id: string): NotFoundError {
  return new NotFoundError(`No MCP server ${id}.`);
}

function auditEntry(action: AuditAction, stored: StoredMcpServer) {
  return { action, targetType: 'mcp_server', targetId: stored.id, details: { name: stored.name, url: stored.url } };
}
