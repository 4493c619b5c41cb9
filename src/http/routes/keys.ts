// The tenant's API keys: list (any logged-in member), create / rename / revoke sub-keys and regenerate the master
// key (owners and admins). API keys cannot manage keys. Secrets appear only in create and regenerate answers.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { limitsPatch } from '../../domain/limits.js';
import { InvalidRequestError } from '../../errors/shuttle-error.js';
import type { Runtime } from '../../runtime.js';
import { actorOf, principalOf } from '../request-context.js';
import { displayName, idParams, isoDateTime } from '../schemas/common.js';
import { allowedModels, createdKey, environmentName, keyList, keyView, toKeyView } from '../schemas/keys.js';

export function keysRoutes(runtime: Runtime) {
  return async function routes(app: FastifyInstance): Promise<void> {
    const api = app.withTypeProvider<ZodTypeProvider>();
    const manage = { auth: 'user', minRole: 'admin' } as const;

    api.get(
      '/keys',
      {
        schema: { summary: 'List the master key and sub-keys (masked)', tags: ['keys'], response: { 200: keyList } },
        config: { auth: 'user' },
      },
      async (request) => ({
        data: (await runtime.keyManager.list(principalOf(request).tenantId)).map(toKeyView),
        nextCursor: null,
        maxSubKeys: runtime.config.maxSubKeys,
      }),
    );

    api.post(
      '/keys',
      {
        schema: {
          summary: 'Create a sub-key; its secret is in this answer only',
          tags: ['keys'],
          body: z.object({ name: displayName, environment: environmentName.optional(), expiresAt: isoDateTime.optional() }),
          response: { 201: createdKey },
        },
        config: manage,
      },
      async (request, reply) => {
        const expiresAt = request.body.expiresAt === undefined ? undefined : futureTime(request.body.expiresAt);
        const { key, secret } = await runtime.keyManager.createSubKey(principalOf(request).tenantId, actorOf(request), {
          name: request.body.name,
          environment: request.body.environment,
          expiresAt,
        });
        return reply.code(201).send({ ...toKeyView(key), key: secret });
      },
    );

    api.patch(
      '/keys/:id',
      {
        schema: {
          summary: 'Rename a key, or change its limits or allowed models',
          tags: ['keys'],
          params: idParams,
          body: z
            .object({ name: displayName.optional(), limits: limitsPatch.optional(), allowedModels: allowedModels.optional() })
            .strict(),
          response: { 200: keyView },
        },
        config: manage,
      },
      async (request) => {
        const key = await runtime.keyManager.update(principalOf(request).tenantId, actorOf(request), request.params.id, request.body);
        return toKeyView(key);
      },
    );

    api.delete(
      '/keys/:id',
      { schema: { summary: 'Revoke a sub-key at once', tags: ['keys'], params: idParams }, config: manage },
      async (request, reply) => {
        await runtime.keyManager.revoke(principalOf(request).tenantId, actorOf(request), request.params.id);
        return reply.code(204).send();
      },
    );

    api.post(
      '/keys/master/regenerate',
      {
        schema: { summary: 'Replace the master key; the old one stops working at once', tags: ['keys'], response: { 201: createdKey } },
        config: manage,
      },
      async (request, reply) => {
        const { key, secret } = await runtime.keyManager.regenerateMaster(principalOf(request).tenantId, actorOf(request));
        return reply.code(201).send({ ...toKeyView(key), key: secret });
      },
    );
  };
}

function futureTime(iso: string): number {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) throw new InvalidRequestError('expiresAt must be an ISO 8601 date-time.', 'expiresAt');
  if (at <= Date.now()) throw new InvalidRequestError('expiresAt must be in the future.', 'expiresAt');
  return at;
}
