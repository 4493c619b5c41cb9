// The tenant's tool library, every change to it: create, update, delete, each with its audit entry in one
// transaction. Checks what a tool refers to: its JSON Schema compiles, an http tool's URLs are reachable under the
// private-network rules and their placeholders name parameters, an agent's or critique's flows exist.
import type { CredentialCipher } from '../../auth/credential-cipher.js';
import { InvalidRequestError, NotFoundError, ShuttleError } from '../../errors/shuttle-error.js';
import type { AddressPolicy } from '../../network/address-policy.js';
import { auditedChange } from '../../store/audited-change.js';
import type { Db } from '../../store/database.js';
import type { Actor } from '../../store/repositories/audit-log.js';
import { FlowRepository } from '../../store/repositories/flows.js';
import { ToolRepository, type ToolRow, type ToolValues } from '../../store/repositories/tools.js';
import { isUniqueViolation } from '../../store/unique-violation.js';
import { compileSchema } from '../structured-output.js';
import { configOf, PLACEHOLDER, placeholders, type ToolInput, type ToolPatch, type ToolType, toolInput } from './tool-definition.js';
import { flowsUsingTool } from './tool-references.js';

/** A tool as the rest of Shuttle sees it: its headers only by name (decrypted by the executor that sends them). */
export interface StoredTool {
  id: string;
  tenantId: string;
  name: string;
  description: string;
  type: ToolType;
  parameters: Record<string, unknown>;
  config: Record<string, unknown>;
  headerNames: string[];
  encryptedHeaders: string | null;
  createdAt: number;
  updatedAt: number;
}

const EMPTY_OBJECT_SCHEMA = { type: 'object', properties: {} };

export class ToolLibrary {
  constructor(
    private readonly db: Db,
    private readonly cipher: CredentialCipher,
    private readonly network: AddressPolicy,
  ) {}

  async list(tenantId: string): Promise<StoredTool[]> {
    return (await new ToolRepository(this.db).list(tenantId)).map((row) => this.stored(row));
  }

  /** A tool by id or name; 404 when the tenant has none. */
  async get(tenantId: string, idOrName: string, db: Db = this.db): Promise<StoredTool> {
    const row = await new ToolRepository(db).find(tenantId, idOrName);
    if (!row) throw new NotFoundError(`No tool "${idOrName}".`);
    return this.stored(row);
  }

  /** The tools a template names (ids or names), in its order; `param` names the field when one is unknown. */
  async resolve(tenantId: string, refs: readonly string[], param: string): Promise<StoredTool[]> {
    const tools: StoredTool[] = [];
    for (const [i, ref] of refs.entries()) {
      const row = await new ToolRepository(this.db).find(tenantId, ref);
      if (!row) throw new InvalidRequestError(`No tool "${ref}" in the tool library.`, `${param}.${i}`);
      tools.push(this.stored(row));
    }
    const names = new Set(tools.map((tool) => tool.name));
    if (names.size !== tools.length) throw new InvalidRequestError('A template names the same tool twice.', param);
    return tools;
  }

  /** Decrypts an http tool's headers: only the executor that sends them calls this. */
  headersOf(tool: StoredTool): Record<string, string> {
    return tool.encryptedHeaders === null ? {} : this.cipher.decrypt(tool.encryptedHeaders);
  }

  async create(tenantId: string, actor: Actor, input: ToolInput): Promise<StoredTool> {
    const values = await this.values(tenantId, input);
    const row = await this.unique(() =>
      auditedChange(this.db, async (trx, audit) => {
        const created = await new ToolRepository(trx).create(tenantId, values);
        await audit(tenantId, actor, {
          action: 'tool.created',
          targetType: 'tool',
          targetId: created.id,
          details: { name: created.name, type: created.type },
        });
        return created;
      }),
    );
    return this.stored(row);
  }

  /**
   * Creates several tools in one transaction, all or none (an MCP server's import). A tool that fails its checks is a
   * 400 whose param is `${param}.<i>`; a name taken meanwhile a 409.
   */
  async createAll(tenantId: string, actor: Actor, inputs: readonly ToolInput[], param: string): Promise<StoredTool[]> {
    const values: ToolValues[] = [];
    for (const [i, input] of inputs.entries()) {
      try {
        values.push(await this.values(tenantId, input));
      } catch (error) {
        if (!(error instanceof InvalidRequestError)) throw error;
        throw new InvalidRequestError(`"${input.name}": ${error.message}`, `${param}.${i}`);
      }
    }
    const rows = await this.unique(() =>
      auditedChange(this.db, async (trx, audit) => {
        const created: ToolRow[] = [];
        for (const value of values) {
          const row = await new ToolRepository(trx).create(tenantId, value);
          await audit(tenantId, actor, {
            action: 'tool.created',
            targetType: 'tool',
            targetId: row.id,
            details: { name: row.name, type: row.type, ...(row.type === 'mcp' ? { serverId: row.config.serverId } : {}) },
          });
          created.push(row);
        }
        return created;
      }),
    );
    return rows.map((row) => this.stored(row));
  }

  /**
   * Changes a tool: the patch is merged into the tool and the whole validated again. Headers absent from the patch
   * are kept, unless the tool's URLs now point to another origin: stored headers never go to another host unsent.
   */
  async update(tenantId: string, actor: Actor, idOrName: string, patch: ToolPatch): Promise<StoredTool> {
    const current = await this.get(tenantId, idOrName);
    if (patch.type !== undefined && patch.type !== current.type) {
      throw new InvalidRequestError(`A tool's type never changes; create a new tool instead.`, 'type');
    }
    const merged = toolInput.safeParse({
      name: current.name,
      description: current.description,
      parameters: current.parameters,
      ...current.config,
      ...JSON.parse(JSON.stringify(patch)),
      type: current.type,
    });
    if (!merged.success) {
      const issue = merged.error.issues[0];
      throw new InvalidRequestError(issue?.message ?? 'invalid tool', issue?.path.join('.'));
    }
    const input = merged.data;
    const keepHeaders = !('headers' in patch) && current.encryptedHeaders !== null;
    if (keepHeaders && input.type === 'http' && !sameOrigins(current.config, input)) {
      throw new ShuttleError('credentials_required', {
        message: 'Stored headers are never sent to another host: send the headers again with the new URL.',
        param: 'headers',
      });
    }
    const values = await this.values(tenantId, input);
    if (keepHeaders) values.encryptedHeaders = current.encryptedHeaders;
    if (values.name !== current.name) await this.assertUnused(tenantId, { id: '', name: current.name }, 'renamed');
    await this.unique(() =>
      auditedChange(this.db, async (trx, audit) => {
        await new ToolRepository(trx).update(tenantId, current.id, values);
        const changed = Object.keys(patch).filter((key) => key !== 'headers');
        await audit(tenantId, actor, {
          action: 'tool.updated',
          targetType: 'tool',
          targetId: current.id,
          details: { name: values.name, changed, ...('headers' in patch ? { headersChanged: true } : {}) },
        });
      }),
    );
    return this.get(tenantId, current.id);
  }

  async delete(tenantId: string, actor: Actor, idOrName: string): Promise<void> {
    await auditedChange(this.db, async (trx, audit) => {
      const tool = await this.get(tenantId, idOrName, trx);
      await this.assertUnused(tenantId, tool, 'deleted', trx);
      await new ToolRepository(trx).delete(tenantId, tool.id);
      await audit(tenantId, actor, { action: 'tool.deleted', targetType: 'tool', targetId: tool.id, details: { name: tool.name } });
    });
  }

  /** Checks an input and turns it into what is stored. */
  private async values(tenantId: string, input: ToolInput): Promise<ToolValues> {
    const parameters = input.parameters ?? (input.type === 'mcp' ? input.inputSchema : EMPTY_OBJECT_SCHEMA);
    checkSchema(parameters, 'parameters');
    const config = configOf(input);
    let encryptedHeaders: string | null = null;
    if (input.type === 'http') {
      const properties = Object.keys((parameters.properties as Record<string, unknown> | undefined) ?? {});
      const urls: Array<[string, string]> = [
        ['url', input.url],
        ...Object.entries(input.urls ?? {}).map(([env, url]): [string, string] => [`urls.${env}`, url]),
      ];
      for (const [param, url] of urls) await this.checkUrl(url, param, properties);
      if (input.headers && Object.keys(input.headers).length > 0) encryptedHeaders = this.cipher.encrypt(input.headers);
    }
    if (input.type === 'mcp') checkSchema(input.inputSchema, 'inputSchema');
    if (input.type === 'agent') config.flowId = await this.flowId(tenantId, input.flowId, 'flowId');
    if (input.type === 'critique') {
      config.producerFlow = await this.flowId(tenantId, input.producerFlow, 'producerFlow');
      config.criticFlow = await this.flowId(tenantId, input.criticFlow, 'criticFlow');
    }
    return { name: input.name, description: input.description, type: input.type, parameters, config, encryptedHeaders };
  }

  private async checkUrl(url: string, param: string, properties: string[]): Promise<void> {
    // Placeholders fill the path and query only: the host a tool reaches is fixed when it is saved.
    const a = url.replace(PLACEHOLDER, 'a');
    let origin: string;
    try {
      origin = new URL(a).origin;
      if (origin !== new URL(url.replace(PLACEHOLDER, 'b')).origin) throw new Error('placeholder in the host');
    } catch {
      throw new InvalidRequestError('The URL must be a valid http(s) URL, with {placeholders} only in its path or query.', param);
    }
    for (const name of placeholders(url)) {
      if (!properties.includes(name))
        throw new InvalidRequestError(`The placeholder {${name}} is not a property of the parameters schema.`, param);
    }
    await this.network.assertAllowed(a, param);
  }

  /** Refuses (409) to take away a tool that an active version names: its runs would fail. */
  private async assertUnused(tenantId: string, tool: { id: string; name: string }, change: string, db: Db = this.db): Promise<void> {
    const flows = await flowsUsingTool(db, tenantId, tool);
    if (flows.length > 0) {
      throw new ShuttleError('tool_in_use', {
        message: `The tool cannot be ${change}: versions active in an environment name it (${flows.join(', ')}). Activate versions without it first.`,
      });
    }
  }

  private async flowId(tenantId: string, ref: string, param: string): Promise<string> {
    const flow = await new FlowRepository(this.db).find(tenantId, ref);
    if (!flow) throw new InvalidRequestError(`No flow "${ref}".`, param);
    return flow.id;
  }

  private async unique<T>(write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (isUniqueViolation(error)) throw new ShuttleError('tool_name_taken', { param: 'name' });
      throw error;
    }
  }

  private stored(row: ToolRow): StoredTool {
    const headerNames = row.encryptedHeaders === null ? [] : Object.keys(this.cipher.decrypt(row.encryptedHeaders)).sort();
    return { ...row, type: row.type as ToolType, headerNames };
  }
}

function checkSchema(schema: Record<string, unknown>, param: string): void {
  if (schema.type !== undefined && schema.type !== 'object')
    throw new InvalidRequestError('Tool arguments are an object: the schema’s type must be "object".', param);
  try {
    compileSchema(schema);
  } catch (error) {
    throw new InvalidRequestError((error as Error).message.replace('responseSchema', param), param);
  }
}

function origins(config: { url?: unknown; urls?: unknown }): string[] {
  const urls = [config.url, ...Object.values((config.urls as Record<string, unknown> | undefined) ?? {})].filter(
    (u): u is string => typeof u === 'string',
  );
  return [...new Set(urls.map((url) => new URL(url.replace(PLACEHOLDER, 'a')).origin))].sort();
}

function sameOrigins(before: Record<string, unknown>, after: { url: string; urls?: Record<string, string> | undefined }): boolean {
  const known = origins(before);
  return origins(after).every((origin) => known.includes(origin));
}
