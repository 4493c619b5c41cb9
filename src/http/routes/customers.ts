// The Customers API: a tenant's end customers (created on first use by X-Shuttle-Customer-Id), their details, limits,
// blocked flag and usage. API keys and logged-in members can read; keys and admins can change.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { limitsPatch, limitsView } from '../../domain/limits.js';
import { validateCustomerId } from '../../metering/customer-directory.js';
import type { CustomerDetail } from '../../metering/customer-service.js';
import { microsToUsd } from '../../metering/price-table.js';
import type { Runtime } from '../../runtime.js';
import type { Customer, CustomerWithTotals } from '../../store/repositories/customers.js';
import { actorOf, principalOf } from '../request-context.js';
import { emailAddress, isoDateTime, listOf, toIso } from '../schemas/common.js';
import { usageQuery, usageReport } from '../schemas/usage.js';
import { buildUsageReport } from '../usage-report.js';
import { sendUsage } from './usage.js';

const externalId = z.string().refine((id) => {
  try {
    validateCustomerId(id, 'externalId');
    return true;
  } catch {
    return false;
  }
}, 'must be 1–256 printable characters');

const metadata = z
  .record(z.string(), z.unknown())
  .refine((value) => JSON.stringify(value).length <= 16_384, 'must be at most 16 KB of JSON');
const fields = {
  name: z.string().trim().max(256).nullable().optional(),
  email: emailAddress.nullable().optional(),
  metadata: metadata.optional(),
  blocked: z.boolean().optional(),
  limits: limitsPatch.optional(),
};

const customerView = z.object({
  id: z.string(),
  externalId: z.string(),
  name: z.string().nullable(),
  email: z.string().nullable(),
  metadata: z.record(z.string(), z.unknown()),
  blocked: z.boolean(),
  limits: limitsView,
  createdAt: isoDateTime,
  lastSeenAt: isoDateTime.nullable(),
});
const listedCustomer = customerView.extend({ requests: z.int(), spendUsd: z.number(), spendMicros: z.int() });
const detailedCustomer = customerView.extend({ spendUsd: z.object({ day: z.number(), month: z.number(), total: z.number() }) });
const params = z.object({ externalId });

function view(c: Customer) {
  return {
    id: c.id,
    externalId: c.externalId,
    name: c.name,
    email: c.email,
    metadata: c.metadata,
    blocked: c.blocked,
    limits: c.limits,
    createdAt: toIso(c.createdAt),
    lastSeenAt: toIso(c.lastSeenAt),
  };
}

const listed = (c: CustomerWithTotals) => ({
  ...view(c),
  requests: c.requests,
  spendMicros: c.spendMicros,
  spendUsd: microsToUsd(c.spendMicros),
});

function detailed({ customer, spentMicros }: CustomerDetail) {
  return {
    ...view(customer),
    spendUsd: { day: microsToUsd(spentMicros.day), month: microsToUsd(spentMicros.month), total: microsToUsd(spentMicros.total) },
  };
}

export function customersRoutes(runtime: Runtime) {
  return async function routes(app: FastifyInstance): Promise<void> {
    const api = app.withTypeProvider<ZodTypeProvider>();
    const write = { minRole: 'admin' } as const;

    api.get(
      '/customers',
      {
        schema: {
          summary: 'List customers with their requests and spend; search by id, name or email; sort; paginate',
          tags: ['customers'],
          querystring: z.object({
            search: z.string().max(256).optional(),
            sort: z.enum(['spend', 'requests', 'createdAt', 'lastSeenAt', 'externalId']).default('spend'),
            order: z.enum(['asc', 'desc']).default('desc'),
            limit: z.coerce.number().int().min(1).max(200).default(50),
            // An offset: up to 15 digits stays an exact number, and within every database's integers.
            cursor: z
              .string()
              .regex(/^\d{1,15}$/, 'must be a nextCursor from an earlier page')
              .optional(),
          }),
          response: { 200: listOf(listedCustomer) },
        },
      },
      async (request) => {
        const offset = Number(request.query.cursor ?? 0);
        const page = await runtime.customerService.list(principalOf(request).tenantId, { ...request.query, offset });
        return { data: page.data.map(listed), nextCursor: page.hasMore ? String(offset + request.query.limit) : null };
      },
    );

    api.post(
      '/customers',
      {
        schema: {
          summary: 'Create a customer ahead of its first request',
          tags: ['customers'],
          body: z.object({ externalId, ...fields }),
          response: { 201: detailedCustomer },
        },
        config: write,
      },
      async (request, reply) => {
        const { externalId: id, ...changes } = request.body;
        return reply.code(201).send(detailed(await runtime.customerService.create(principalOf(request).tenantId, id, changes)));
      },
    );

    api.get(
      '/customers/:externalId',
      {
        schema: {
          summary: 'A customer, with its spend today, this month and in total',
          tags: ['customers'],
          params,
          response: { 200: detailedCustomer },
        },
      },
      async (request) => {
        return detailed(await runtime.customerService.detail(principalOf(request).tenantId, request.params.externalId));
      },
    );

    api.patch(
      '/customers/:externalId',
      {
        schema: {
          summary: 'Change a customer’s details, limits or blocked flag',
          tags: ['customers'],
          params,
          body: z.object(fields),
          response: { 200: detailedCustomer },
        },
        config: write,
      },
      async (request) => {
        const { tenantId } = principalOf(request);
        return detailed(await runtime.customerService.update(tenantId, actorOf(request), request.params.externalId, request.body));
      },
    );

    api.delete(
      '/customers/:externalId',
      { schema: { summary: 'Delete a customer (its usage history stays)', tags: ['customers'], params }, config: write },
      async (request, reply) => {
        await runtime.customerService.delete(principalOf(request).tenantId, request.params.externalId);
        return reply.code(204).send();
      },
    );

    api.get(
      '/customers/:externalId/usage',
      {
        schema: {
          summary: 'A customer’s usage, as GET /usage with customer set',
          tags: ['customers'],
          params,
          querystring: usageQuery.omit({ customer: true }),
          response: { 200: usageReport },
        },
      },
      async (request, reply) => {
        const { tenantId } = principalOf(request);
        const customer = await runtime.customerService.get(tenantId, request.params.externalId);
        return sendUsage(
          reply,
          await buildUsageReport(runtime.usageReports, tenantId, request.query, customer.externalId),
          request.query.format,
        );
      },
    );
  };
}
