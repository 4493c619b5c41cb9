// GET /api/v1/usage: requests, errors, tokens, cost and latency, filtered and grouped; `format=csv` for a download.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Runtime } from '../../runtime.js';
import { principalOf } from '../request-context.js';
import { type UsageReport, usageQuery, usageReport } from '../schemas/usage.js';
import { buildUsageReport, usageCsv } from '../usage-report.js';

export function sendUsage(reply: FastifyReply, report: UsageReport, format: 'json' | 'csv'): FastifyReply | UsageReport {
  if (format === 'json') return report;
  const name = `usage-${report.groupBy}-${report.from.slice(0, 10)}-${report.to.slice(0, 10)}.csv`;
  return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}"`).send(usageCsv(report));
}

export function usageRoutes(runtime: Runtime) {
  return async function routes(app: FastifyInstance): Promise<void> {
    app.withTypeProvider<ZodTypeProvider>().get(
      '/usage',
      {
        schema: {
          summary:
            'Usage of the tenant: filter by time, customer, key, model, provider and status; group by day, hour, customer, model, key or provider',
          tags: ['usage'],
          querystring: usageQuery,
          response: { 200: usageReport },
        },
      },
      async (request, reply) =>
        sendUsage(reply, await buildUsageReport(runtime.usageReports, principalOf(request).tenantId, request.query), request.query.format),
    );
  };
}
