// A tenant's own provider connections (bring your own key), per environment. Credentials are stored encrypted;
// this repository never sees them in clear.
import type { Selectable } from 'kysely';
import { ConflictError } from '../../errors/shuttle-error.js';
import type { Db } from '../database.js';
import { newId } from '../ids.js';
import type { ProviderConnectionsTable } from '../schema.js';
import { isUniqueViolation } from '../unique-violation.js';

export interface StoredConnection {
  id: string;
  environment: string;
  name: string;
  type: string;
  baseUrl: string;
  /** Settings that are not secret (Azure apiVersion, Bedrock region, …). */
  options: Record<string, string>;
  encryptedCredentials: string;
  createdAt: number;
  updatedAt: number;
}

export type ConnectionChanges = Partial<Pick<StoredConnection, 'name' | 'baseUrl' | 'options' | 'encryptedCredentials'>>;

function toConnection(row: Selectable<ProviderConnectionsTable>): StoredConnection {
  return {
    id: row.id,
    environment: row.environment,
    name: row.name,
    type: row.type,
    baseUrl: row.base_url,
    options: JSON.parse(row.options),
    encryptedCredentials: row.encrypted_credentials,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function nameTaken(error: unknown, name: string, environment: string): unknown {
  return isUniqueViolation(error)
    ? new ConflictError('conflict', { message: `A provider connection named "${name}" already exists in ${environment}.` })
    : error;
}

export class ProviderConnectionRepository {
  constructor(private readonly db: Db) {}

  async list(tenantId: string, environment?: string): Promise<StoredConnection[]> {
    let query = this.db.selectFrom('provider_connections').selectAll().where('tenant_id', '=', tenantId);
    if (environment !== undefined) query = query.where('environment', '=', environment);
    return (await query.orderBy('environment').orderBy('name').execute()).map(toConnection);
  }

  async get(tenantId: string, id: string): Promise<StoredConnection | undefined> {
    const row = await this.db
      .selectFrom('provider_connections')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toConnection(row);
  }

  async create(tenantId: string, input: Omit<StoredConnection, 'id' | 'createdAt' | 'updatedAt'>): Promise<StoredConnection> {
    const now = Date.now();
    const connection: StoredConnection = { ...input, id: newId('prv'), createdAt: now, updatedAt: now };
    try {
      await this.db
        .insertInto('provider_connections')
        .values({
          id: connection.id,
          tenant_id: tenantId,
          environment: input.environment,
          name: input.name,
          type: input.type,
          base_url: input.baseUrl,
          options: JSON.stringify(input.options),
          encrypted_credentials: input.encryptedCredentials,
          created_at: now,
          updated_at: now,
        })
        .execute();
    } catch (error) {
      throw nameTaken(error, input.name, input.environment);
    }
    return connection;
  }

  async update(tenantId: string, current: StoredConnection, changes: ConnectionChanges): Promise<StoredConnection> {
    const next = { ...current, ...changes, updatedAt: Date.now() };
    try {
      await this.db
        .updateTable('provider_connections')
        .set({
          name: next.name,
          base_url: next.baseUrl,
          options: JSON.stringify(next.options),
          encrypted_credentials: next.encryptedCredentials,
          updated_at: next.updatedAt,
        })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', current.id)
        .execute();
    } catch (error) {
      throw nameTaken(error, next.name, next.environment);
    }
    return next;
  }

  async delete(tenantId: string, id: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('provider_connections')
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
