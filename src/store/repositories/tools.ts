// A tenant's flow tool library: one row per tool, its name unique in the tenant; an http tool's headers are stored
// encrypted (the service encrypts and decrypts them, this only keeps the text).
import type { Selectable } from 'kysely';
import type { Db } from '../database.js';
import { newId } from '../ids.js';
import type { ToolsTable } from '../schema.js';

export interface ToolRow {
  id: string;
  tenantId: string;
  name: string;
  description: string;
  type: string;
  parameters: Record<string, unknown>;
  config: Record<string, unknown>;
  encryptedHeaders: string | null;
  createdAt: number;
  updatedAt: number;
}

export type ToolValues = Pick<ToolRow, 'name' | 'description' | 'type' | 'parameters' | 'config' | 'encryptedHeaders'>;

function toRow(r: Selectable<ToolsTable>): ToolRow {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    name: r.name,
    description: r.description,
    type: r.type,
    parameters: JSON.parse(r.parameters) as Record<string, unknown>,
    config: JSON.parse(r.config) as Record<string, unknown>,
    encryptedHeaders: r.encrypted_headers,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

export class ToolRepository {
  constructor(private readonly db: Db) {}

  async list(tenantId: string): Promise<ToolRow[]> {
    const rows = await this.db.selectFrom('tools').selectAll().where('tenant_id', '=', tenantId).orderBy('name').execute();
    return rows.map(toRow);
  }

  /** A tool by id, else by name (an id wins over a tool that is named like another's id). */
  async find(tenantId: string, idOrName: string): Promise<ToolRow | undefined> {
    const tools = this.db.selectFrom('tools').selectAll().where('tenant_id', '=', tenantId);
    const row =
      (await tools.where('id', '=', idOrName).executeTakeFirst()) ?? (await tools.where('name', '=', idOrName).executeTakeFirst());
    return row && toRow(row);
  }

  /** Throws a unique violation when the tenant has a tool of that name. */
  async create(tenantId: string, values: ToolValues): Promise<ToolRow> {
    const now = Date.now();
    const row: ToolRow = { id: newId('tol'), tenantId, ...values, createdAt: now, updatedAt: now };
    await this.db
      .insertInto('tools')
      .values({
        id: row.id,
        tenant_id: tenantId,
        name: row.name,
        description: row.description,
        type: row.type,
        parameters: JSON.stringify(row.parameters),
        config: JSON.stringify(row.config),
        encrypted_headers: row.encryptedHeaders,
        created_at: now,
        updated_at: now,
      })
      .execute();
    return row;
  }

  async update(tenantId: string, id: string, values: ToolValues): Promise<void> {
    await this.db
      .updateTable('tools')
      .set({
        name: values.name,
        description: values.description,
        parameters: JSON.stringify(values.parameters),
        config: JSON.stringify(values.config),
        encrypted_headers: values.encryptedHeaders,
        updated_at: Date.now(),
      })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .execute();
  }

  async delete(tenantId: string, id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('tools').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
