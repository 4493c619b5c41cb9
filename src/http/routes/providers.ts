// /providers: the tenant's own provider connections (bring your own key), per environment, beside the global ones
// from the server's environment. Credentials are encrypted at rest and never returned; a connection can be tested.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ConnectionSummary } from '../../gateway/provider-connection-service.js';
import { PROVIDER_TYPES } from '../../gateway/provider-connections.js';
import type { Runtime } from '../../runtime.js';
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

    const view = (c: ConnectionSummary) => ({
      ...c,
      createdAt: c.createdAt === null ? null : toIso(c.createdAt),
      updatedAt: c.updatedAt === null ? null : toIso(c.updatedAt),
    });

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
      async (request) => ({
        data: (await runtime.providerConnections.list(principalOf(request).tenantId, request.query.environment)).map(view),
        nextCursor: null,
      }),
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
        const created = await runtime.providerConnections.create(principalOf(request).tenantId, actorOf(request), request.body);
        return reply.code(201).send(view(created));
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
      async (request) =>
        view(await runtime.providerConnections.update(principalOf(request).tenantId, actorOf(request), request.params.id, request.body)),
    );

    api.delete(
      '/providers/:id',
      { schema: { summary: 'Delete a provider connection no routing rule uses', tags: ['providers'], params: idParams }, config: admin },
      async (request, reply) => {
        await runtime.providerConnections.delete(principalOf(request).tenantId, actorOf(request), request.params.id);
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
      async (request) => runtime.providerConnections.test(principalOf(request).tenantId, request.params.id, request.body.model),
    );
  };
}
