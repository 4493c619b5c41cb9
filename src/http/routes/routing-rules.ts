// /routing-rules: a model alias (or a real model name) → targets, a strategy, retries, a timeout and a cooldown,
// per environment. Changes reach every instance within a second (the tenant's configuration is invalidated).
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { cachePolicySchema } from '../../domain/cache-policy.js';
import { ALIAS, type RoutingRule, routingRuleSchema } from '../../domain/routing-rule.js';
import type { Runtime } from '../../runtime.js';
import type { StoredRule } from '../../store/repositories/routing-rules.js';
import { actorOf, principalOf } from '../request-context.js';
import { isoDateTime, listOf, toIso } from '../schemas/common.js';

const aliasParams = z.object({ alias: z.string().regex(ALIAS, 'must be 1–128 characters: letters, digits and . _ : / -') });
const environmentQuery = z.object({ environment: z.string().default('production') });
const ruleView = z.object({
  alias: z.string(),
  environment: z.string(),
  strategy: z.string(),
  targets: z.array(
    z.object({ provider: z.string(), model: z.string(), weight: z.number(), overrides: z.record(z.string(), z.unknown()).optional() }),
  ),
  retry: z.object({ attempts: z.int(), backoffMs: z.int(), on: z.array(z.int()) }),
  timeoutMs: z.int().nullable(),
  cooldown: z.object({ afterFailures: z.int(), seconds: z.int() }),
  cache: cachePolicySchema.optional().describe('The response cache for requests to this alias; absent: the tenant’s default'),
  createdAt: isoDateTime,
  updatedAt: isoDateTime,
});

const toView = (stored: StoredRule) => ({
  alias: stored.alias,
  environment: stored.environment,
  ...stored.rule,
  createdAt: toIso(stored.createdAt),
  updatedAt: toIso(stored.updatedAt),
});

export function routingRulesRoutes(runtime: Runtime) {
  return async function routes(app: FastifyInstance): Promise<void> {
    const api = app.withTypeProvider<ZodTypeProvider>();
    const admin = { auth: 'user', minRole: 'admin' } as const;

    api.get(
      '/routing-rules',
      {
        schema: {
          summary: 'List routing rules',
          tags: ['routing'],
          querystring: z.object({ environment: z.string().optional() }),
          response: { 200: listOf(ruleView) },
        },
        config: { auth: 'user' },
      },
      async (request) => ({
        data: (await runtime.routingRules.list(principalOf(request).tenantId, request.query.environment)).map(toView),
        nextCursor: null,
      }),
    );

    api.get(
      '/routing-rules/:alias',
      {
        schema: {
          summary: 'A routing rule',
          tags: ['routing'],
          params: aliasParams,
          querystring: environmentQuery,
          response: { 200: ruleView },
        },
        config: { auth: 'user' },
      },
      async (request) =>
        toView(await runtime.routingRules.get(principalOf(request).tenantId, request.query.environment, request.params.alias)),
    );

    api.put(
      '/routing-rules/:alias',
      {
        schema: {
          summary: 'Create or replace a routing rule',
          tags: ['routing'],
          params: aliasParams,
          body: z.object({ environment: z.string().default('production') }).and(routingRuleSchema),
          response: { 200: ruleView, 201: ruleView },
        },
        config: admin,
      },
      async (request, reply) => {
        const { environment, ...rule } = request.body;
        const { stored, created } = await runtime.routingRules.save(
          principalOf(request).tenantId,
          actorOf(request),
          environment,
          request.params.alias,
          rule as RoutingRule,
        );
        return reply.code(created ? 201 : 200).send(toView(stored));
      },
    );

    api.delete(
      '/routing-rules/:alias',
      {
        schema: { summary: 'Delete a routing rule', tags: ['routing'], params: aliasParams, querystring: environmentQuery },
        config: admin,
      },
      async (request, reply) => {
        await runtime.routingRules.delete(principalOf(request).tenantId, actorOf(request), request.query.environment, request.params.alias);
        return reply.code(204).send();
      },
    );
  };
}
