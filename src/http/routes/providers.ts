// /providers: the tenant's own provider connections (bring your own key), per environment, beside the global ones
// from the server's environment. Credentials are encrypted at rest and never returned; a connection can be tested.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ConflictError, InvalidRequestError, NotFoundError, ShuttleError } from '../../errors/shuttle-error.js';
import { defaultBaseUrl, PROVIDER_TYPES, toProviderConnection } from '../../gateway/provider-connections.js';
import type { Runtime } from '../../runtime.js';
import type { StoredConnection } from '../../store/repositories/provider-connections.js';
import { actorOf, principalOf } from '../request-context.js';
import { idParams, isoDateTime, listOf, toIso } from '../schemas/common.js';

const connectionName = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be lower-case letters, digits and dashes, e.g. backup-openai');
const httpUrl = z.url({ protocol: /^https?$/ });
const strings = z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,63}$/), z.string().max(4096));

const connectionView = z.object({
  id: z.string().nullable().describe('null for global connections, which come from the server’s environment'),
  name: z.string(),
  type: z.string(),
  environment: z.string().nullable().describe('null for global connections: every environment sees them'),
  baseUrl: z.string(),
  options: z.record(z.string(), z.string()),
  hasApiKey: z.boolean(),
  credentialNames: z.array(z.string()).describe('Which secret fields are stored; their values are never returned'),
  global: z.boolean(),
  createdAt: isoDateTime.nullable(),
  updatedAt: isoDateTime.nullable(),
});

const createBody = z.object({
  name: connectionName,
  type: z.enum(PROVIDER_TYPES as [string, ...string[]]),
  environment: z.string().default('production'),
  baseUrl: httpUrl.optional(),
  apiKey: z.string().min(1).max(4096).optional(),
  credentials: strings.optional().describe('Other secrets, e.g. Bedrock’s {"accessKeyId", "secretAccessKey"}'),
  options: strings.optional().describe('Settings that are not secret, e.g. Azure’s {"apiVersion"}, Bedrock’s {"region"}'),
});

const updateBody = createBody.omit({ type: true, environment: true }).partial();

export function providersRoutes(runtime: Runtime) {
  return async function routes(app: FastifyInstance): Promise<void> {
    const api = app.withTypeProvider<ZodTypeProvider>();
    const admin = { auth: 'user', minRole: 'admin' } as const;

    const view = (stored: StoredConnection) => {
      const { apiKey, ...secrets } = runtime.cipher.decrypt(stored.encryptedCredentials);
      return {
        id: stored.id,
        name: stored.name,
        type: stored.type,
        environment: stored.environment,
        baseUrl: stored.baseUrl,
        options: stored.options,
        hasApiKey: apiKey !== undefined,
        credentialNames: Object.keys(secrets),
        global: false,
        createdAt: toIso(stored.createdAt),
        updatedAt: toIso(stored.updatedAt),
      };
    };
    const find = async (tenantId: string, id: string) => {
      const stored = await runtime.repos.connections.get(tenantId, id);
      if (!stored) throw new NotFoundError(`No provider connection ${id}.`);
      return stored;
    };
    const changed = async (tenantId: string, request: Parameters<typeof actorOf>[0], action: string, stored: StoredConnection) => {
      await runtime.repos.auditLog.record(tenantId, actorOf(request), {
        action,
        targetType: 'provider_connection',
        targetId: stored.id,
        details: { name: stored.name, type: stored.type, environment: stored.environment },
      });
      await runtime.bus.publish('tenant-config', tenantId);
    };

    api.get(
      '/providers',
      {
        schema: {
          summary: 'List provider connections: the tenant’s own and the global ones',
          tags: ['providers'],
          querystring: z.object({ environment: z.string().optional() }),
          response: { 200: listOf(connectionView) },
        },
        config: { auth: 'user' },
      },
      async (request) => {
        const own = (await runtime.repos.connections.list(principalOf(request).tenantId, request.query.environment)).map(view);
        const globals = runtime.globalConnections.map((c) => ({
          id: null,
          name: c.name,
          type: c.type,
          environment: null,
          baseUrl: c.baseUrl,
          options: {},
          hasApiKey: c.apiKey !== undefined,
          credentialNames: [],
          global: true,
          createdAt: null,
          updatedAt: null,
        }));
        return { data: [...own, ...globals], nextCursor: null };
      },
    );

    api.post(
      '/providers',
      {
        schema: {
          summary: 'Add a provider connection with the tenant’s own credentials',
          tags: ['providers'],
          body: createBody,
          response: { 201: connectionView },
        },
        config: admin,
      },
      async (request, reply) => {
        const { tenantId } = principalOf(request);
        const { name, type, environment, apiKey, credentials, options = {} } = request.body;
        if (!(await runtime.repos.environments.exists(tenantId, environment)))
          throw new InvalidRequestError(`No environment "${environment}".`, 'environment');
        const baseUrl = request.body.baseUrl ?? defaultBaseUrl(type, options);
        if (baseUrl === undefined) throw new InvalidRequestError(`A ${type} connection needs a baseUrl.`, 'baseUrl');
        const secrets = { ...credentials, ...(apiKey === undefined ? {} : { apiKey }) };
        const stored = await runtime.repos.connections.create(tenantId, {
          name,
          type,
          environment,
          baseUrl,
          options,
          encryptedCredentials: runtime.cipher.encrypt(secrets),
        });
        await changed(tenantId, request, 'provider.created', stored);
        return reply.code(201).send(view(stored));
      },
    );

    api.patch(
      '/providers/:id',
      {
        schema: {
          summary: 'Change a provider connection (a new key replaces the old one)',
          tags: ['providers'],
          params: idParams,
          body: updateBody,
          response: { 200: connectionView },
        },
        config: admin,
      },
      async (request) => {
        const { tenantId } = principalOf(request);
        const current = await find(tenantId, request.params.id);
        const { name, baseUrl, apiKey, credentials, options } = request.body;
        const secrets = {
          ...runtime.cipher.decrypt(current.encryptedCredentials),
          ...credentials,
          ...(apiKey === undefined ? {} : { apiKey }),
        };
        const stored = await runtime.repos.connections.update(tenantId, current, {
          ...(name === undefined ? {} : { name }),
          ...(baseUrl === undefined ? {} : { baseUrl }),
          ...(options === undefined ? {} : { options }),
          encryptedCredentials: runtime.cipher.encrypt(secrets),
        });
        await changed(tenantId, request, 'provider.updated', stored);
        return view(stored);
      },
    );

    api.delete(
      '/providers/:id',
      { schema: { summary: 'Delete a provider connection no routing rule uses', tags: ['providers'], params: idParams }, config: admin },
      async (request, reply) => {
        const { tenantId } = principalOf(request);
        const stored = await find(tenantId, request.params.id);
        const users = (await runtime.repos.routingRules.list(tenantId, stored.environment)).filter((r) =>
          r.rule.targets.some((t) => t.provider === stored.name),
        );
        if (users.length > 0) {
          throw new ConflictError('conflict', {
            message: `Routing rules still use "${stored.name}": ${users.map((r) => r.alias).join(', ')}. Change them first.`,
          });
        }
        await runtime.repos.connections.delete(tenantId, stored.id);
        await changed(tenantId, request, 'provider.deleted', stored);
        return reply.code(204).send();
      },
    );

    api.post(
      '/providers/:id/test',
      {
        schema: {
          summary: 'Test a connection with a one-token completion (not metered)',
          tags: ['providers'],
          params: idParams,
          body: z.object({ model: z.string().min(1) }),
          response: {
            200: z.object({
              ok: z.boolean(),
              latencyMs: z.int(),
              model: z.string().nullable(),
              error: z.object({ status: z.int(), message: z.string(), code: z.string() }).nullable(),
            }),
          },
        },
        config: admin,
      },
      async (request) => {
        const stored = await find(principalOf(request).tenantId, request.params.id);
        const connection = toProviderConnection(stored, runtime.cipher);
        const adapter = runtime.adapters.get(connection.type);
        if (!adapter) throw new InvalidRequestError(`No adapter for ${connection.type}.`, 'type');
        const started = performance.now();
        try {
          const result = await adapter.chat({
            connection,
            model: request.body.model,
            params: { model: request.body.model, messages: [{ role: 'user', content: 'ping' }], max_tokens: 1 },
            signal: AbortSignal.timeout(30_000),
            timeoutMs: 30_000,
          });
          return { ok: true, latencyMs: Math.round(performance.now() - started), model: result.model, error: null };
        } catch (error) {
          const failure = error instanceof ShuttleError ? error : new ShuttleError('upstream_unreachable', { message: String(error) });
          return {
            ok: false,
            latencyMs: Math.round(performance.now() - started),
            model: null,
            error: { status: failure.status, message: failure.message, code: failure.code },
          };
        }
      },
    );
  };
}
