// /providers: the tenant's own provider connections (bring your own key), per environment, beside the global ones
// from the server's environment. Credentials are encrypted at rest and never returned; a connection can be tested.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorCatalogue } from '../../errors/catalogue.js';
import { ConflictError, InvalidRequestError, NotFoundError, UpstreamError, type UpstreamFailure } from '../../errors/shuttle-error.js';
import { defaultBaseUrl, PROVIDER_TYPES, secretsAfterChange, toProviderConnection } from '../../gateway/provider-connections.js';
import type { Runtime } from '../../runtime.js';
import type { StoredConnection } from '../../store/repositories/provider-connections.js';
import { actorOf, principalOf } from '../request-context.js';
import { idParams, isoDateTime, listOf, toIso } from '../schemas/common.js';

const connectionName = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be lower-case letters, digits and dashes, e.g. backup-openai');
const httpUrl = z.url({ protocol: /^https?$/ });
const fieldName = z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,63}$/);
const strings = z.record(fieldName, z.string().max(4096));
/**
 * A secret goes into an HTTP header (or a signature): visible ASCII only, or every call would fail to be sent. Spaces
 * and line breaks around it (a pasted key) are dropped.
 */
const secret = z
  .string()
  .trim()
  .min(1)
  .max(4096)
  .regex(/^[\x21-\x7e]+$/, 'must be visible ASCII characters (no spaces, line breaks or other characters): it is sent in an HTTP header');

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
  apiKey: secret.optional(),
  credentials: z.record(fieldName, secret).optional().describe('Other secrets, e.g. Bedrock’s {"accessKeyId", "secretAccessKey"}'),
  options: strings.optional().describe('Settings that are not secret, e.g. Azure’s {"apiVersion"}, Bedrock’s {"region"}'),
});

/** A connection's type and environment never change (delete it and add another); naming either is a 400. */
const updateBody = createBody.omit({ type: true, environment: true }).partial().strict();

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
    /** Refuses with 400 a URL tenants may not reach: a private address, or a name resolving to one (now). */
    const reachable = async (url: string) => {
      if (!URL.canParse(url)) throw new InvalidRequestError(`"${url}" is not a URL.`, 'baseUrl');
      await runtime.network.assertAllowed(url, 'baseUrl');
    };
    /** Routing rules name connections: renaming or deleting one they name is refused (409) with their aliases. */
    const assertUnused = async (tenantId: string, stored: StoredConnection, doing: 'renaming' | 'deleting') => {
      const users = (await runtime.repos.routingRules.list(tenantId, stored.environment)).filter((r) =>
        r.rule.targets.some((t) => t.provider === stored.name),
      );
      if (users.length > 0) {
        throw new ConflictError('conflict', {
          message: `Routing rules still use "${stored.name}": ${users.map((r) => r.alias).join(', ')}. Change them before ${doing} it.`,
        });
      }
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
        await reachable(baseUrl);
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
          description:
            'Moving baseUrl to another origin keeps only the secrets sent with it, and is refused (400 credentials_required) when none are sent while some are stored. Renaming a connection that routing rules use is refused (409).',
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
        if (name !== undefined && name !== current.name) await assertUnused(tenantId, current, 'renaming');
        if (baseUrl !== undefined) await reachable(baseUrl);
        const secrets = secretsAfterChange(
          runtime.cipher.decrypt(current.encryptedCredentials),
          { ...credentials, ...(apiKey === undefined ? {} : { apiKey }) },
          current.baseUrl,
          baseUrl ?? current.baseUrl,
        );
        const updated = await runtime.repos.connections.update(tenantId, current, {
          ...(name === undefined ? {} : { name }),
          ...(baseUrl === undefined ? {} : { baseUrl }),
          ...(options === undefined ? {} : { options }),
          encryptedCredentials: runtime.cipher.encrypt(secrets),
        });
        await changed(tenantId, request, 'provider.updated', updated);
        return view(updated);
      },
    );

    api.delete(
      '/providers/:id',
      { schema: { summary: 'Delete a provider connection no routing rule uses', tags: ['providers'], params: idParams }, config: admin },
      async (request, reply) => {
        const { tenantId } = principalOf(request);
        const stored = await find(tenantId, request.params.id);
        await assertUnused(tenantId, stored, 'deleting');
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
          description:
            'Answers whether the provider answered, and how fast; never anything from what it answered (body, error message or code), since the URL is the tenant’s.',
          tags: ['providers'],
          params: idParams,
          body: z.object({ model: z.string().min(1) }),
          response: {
            200: z.object({
              ok: z.boolean(),
              latencyMs: z.int(),
              model: z.string().nullable().describe('The model tested, as asked'),
              error: z
                .object({
                  status: z.int().describe('The provider’s HTTP status, or Shuttle’s when it got none'),
                  message: z.string().describe('Shuttle’s own words, never the provider’s'),
                  code: z.string(),
                })
                .nullable(),
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
        const { model } = request.body;
        const started = performance.now();
        let error: { status: number; message: string; code: string } | null = null;
        try {
          await adapter.chat({
            connection,
            model,
            params: { model, messages: [{ role: 'user', content: 'ping' }], max_tokens: 1 },
            signal: AbortSignal.timeout(30_000),
            timeoutMs: 30_000,
          });
        } catch (failure) {
          error = testFailure(connection.name, failure);
        }
        return { ok: error === null, latencyMs: Math.round(performance.now() - started), model, error };
      },
    );
  };
}

/** A failed test in Shuttle's words: the provider's status at most, never its body, message or error code. */
function testFailure(name: string, failure: unknown): { status: number; message: string; code: string } {
  if (!(failure instanceof UpstreamError)) {
    return { status: 502, message: `Could not reach ${name}.`, code: 'upstream_unreachable' };
  }
  const messages: Record<UpstreamFailure, string> = {
    upstream_error: `${name} answered with HTTP ${failure.status}.`,
    upstream_unreachable: `Could not reach ${name}.`,
    upstream_timeout: `${name} did not answer in time.`,
    upstream_invalid_response: `${name} answered with something that is not a chat completion.`,
    upstream_address_refused: errorCatalogue.upstream_address_refused.message,
  };
  return { status: failure.status, message: messages[failure.failure], code: failure.failure };
}
