// The MCP servers a tenant registered. Their headers are stored encrypted; this repository never sees them in clear.
import type { Selectable } from 'kysely';
import { ConflictError } from '../../errors/shuttle-error.js';
import type { Db } from '../database.js';
import { newId } from '../ids.js';
import type { McpServersTable } from '../schema.js';
import { isUniqueViolation } from '../unique-violation.js';

export interface StoredMcpServer {
  id: string;
  name: string;
  url: string;
  encryptedHeaders: string;
  createdAt: number;
  updatedAt: number;
}

export type McpServerChanges = Partial<Pick<StoredMcpServer, 'name' | 'url' | 'encryptedHeaders'>>;

function toServer(row: Selectable<McpServersTable>): StoredMcpServer {
  return {
    id: row.id,
    name: row.name,
    url: row.url,
    encryptedHeaders: row.encrypted_headers,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

function nameTaken(error: unknown, name: string): unknown {
  return isUniqueViolation(error) ? new ConflictError('conflict', { message: `An MCP server named "${name}" already exists.` }) : error;
}

export class McpServerRepository {
  constructor(private readonly db: Db) {}

  async list(tenantId: string): Promise<StoredMcpServer[]> {
    const rows = await this.db.selectFrom('mcp_servers').selectAll().where('tenant_id', '=', tenantId).orderBy('name').execute();
    return rows.map(toServer);
  }

  async get(tenantId: string, id: string): Promise<StoredMcpServer | undefined> {
    const row = await this.db
      .selectFrom('mcp_servers')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toServer(row);
  }

  async create(tenantId: string, input: Pick<StoredMcpServer, 'name' | 'url' | 'encryptedHeaders'>): Promise<StoredMcpServer> {
    const now = Date.now();
    const server: StoredMcpServer = { ...input, id: newId('mcp'), createdAt: now, updatedAt: now };
    try {
      await this.db
        .insertInto('mcp_servers')
        .values({
          id: server.id,
          tenant_id: tenantId,
          name: server.name,
          url: server.url,
          encrypted_headers: server.encryptedHeaders,
          created_at: now,
          updated_at: now,
        })
        .execute();
    } catch (error) {
      throw nameTaken(error, input.name);
    }
    return server;
  }

  async update(tenantId: string, current: StoredMcpServer, changes: McpServerChanges): Promise<StoredMcpServer> {
    const next = { ...current, ...changes, updatedAt: Date.now() };
    try {
      await this.db
        .updateTable('mcp_servers')
        .set({ name: next.name, url: next.url, encrypted_headers: next.encryptedHeaders, updated_at: next.updatedAt })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', current.id)
        .execute();
    } catch (error) {
      throw nameTaken(error, next.name);
    }
    return next;
  }

  async delete(tenantId: string, id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('mcp_servers').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
