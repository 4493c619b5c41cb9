// Running flows, and their run log. A run goes through the same pipeline as a chat completion — authentication,
// customer attribution (X-Shuttle-Customer-Id or customerId), limits, routing with fallbacks, metering (the usage
// event carries the flow and version), x-shuttle-* headers — and is recorded with its rendered prompt and answer.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ShuttleError } from '../../errors/shuttle-error.js';
import type { PreparedRun } from '../../flows/flow-runner.js';
import { runRecord } from '../../flows/run-record.js';
import type { CallContext } from '../../gateway/gateway.js';
import type { ChatCompletionMessageParam } from '../../gateway/openai-wire.js';
import { cacheRequestOf } from '../../gateway/response-cache/response-cache.js';
import { microsToUsd } from '../../metering/price-table.js';
import type { Runtime } from '../../runtime.js';
import type { StoredRun } from '../../store/repositories/flow-runs.js';
import { beginProxyRequest, setServedHeaders } from '../proxy-request.js';
import { principalOf } from '../request-context.js';
import { listOf, toIso } from '../schemas/common.js';
import { flowParams, runBody, runDetail, runResult, runSummary, versionNumber } from '../schemas/flows.js';
import { sendEventStream } from '../sse-response.js';

type RunBody = z.infer<typeof runBody>;

export function flowRunsRoutes(runtime: Runtime) {
  return async function routes(app: FastifyInstance): Promise<void> {
    const api = app.withTypeProvider<ZodTypeProvider>();

    api.post(
      '/flows/:flow/runs',
      {
        schema: {
          summary: 'Run a flow with parameters (its active version in the key’s environment, unless a version is named)',
          tags: ['flows'],
          params: flowParams,
          body: runBody,
          response: { 200: runResult },
        },
        config: { metered: 'flows.run', minRole: 'member' },
      },
      async (request, reply) => {
        const { tenantId } = principalOf(request);
        const body = request.body;
        const flow = await runtime.flows.find(tenantId, request.params.flow);
        const ctx = await beginProxyRequest(runtime, request, body, body.environment);
        ctx.meter.flowId = flow.id;
        const run = await runtime.flowRunner.prepare(tenantId, ctx.environment, {
          flow,
          parameters: body.parameters,
          version: body.version,
          entrypoint: body.entrypoint,
          messages: body.messages as ChatCompletionMessageParam[] | undefined,
          overrideModel: body.overrideModel,
          temperature: body.temperature,
          maxTokens: body.maxTokens,
          responseSchema: body.responseSchema,
          stream: body.stream,
          cache: { ...cacheRequestOf(request.headers), ...(body.cache ? { mode: body.cache } : {}) },
        });
        ctx.meter.flowVersion = run.version.version;
        try {
          if (body.stream) return await streamRun(runtime, request, reply, run, ctx, body);
          const answer = await runtime.flowRunner.answer(run, ctx);
          setServedHeaders(request, reply, answer.target, answer.model, ctx.meter, true);
          const result = summary(run, ctx, answer.response, answer.model);
          record(runtime, request, run, ctx, body, { status: 200, text: answer.text });
          return result;
        } catch (error) {
          const failure = error instanceof ShuttleError ? error : undefined;
          record(runtime, request, run, ctx, body, {
            status: failure?.status ?? 500,
            text: null,
            error: failure ?? new Error('internal error'),
          });
          throw error;
        }
      },
    );

    api.get(
      '/flows/:flow/runs',
      {
        schema: {
          summary: 'A flow’s run log, newest first',
          tags: ['flows'],
          params: flowParams,
          querystring: z.object({
            version: z.coerce.number().pipe(versionNumber).optional(),
            environment: z.string().optional(),
            customer: z.string().optional().describe('A customer’s external id'),
            status: z.enum(['succeeded', 'failed']).optional(),
            limit: z.coerce.number().int().min(1).max(200).default(50),
            cursor: z.string().optional(),
          }),
          response: { 200: listOf(runSummary) },
        },
      },
      async (request) => {
        const { tenantId } = principalOf(request);
        const flow = await runtime.flows.find(tenantId, request.params.flow);
        const page = await runtime.flowRunLog.page(tenantId, flow, request.query);
        return { data: page.data.map(toSummary), nextCursor: page.nextCursor };
      },
    );

    api.get(
      '/flows/:flow/runs/:id',
      {
        schema: {
          summary: 'One run, with its rendered prompt and answer',
          tags: ['flows'],
          params: flowParams.extend({ id: z.string() }),
          response: { 200: runDetail },
        },
      },
      async (request) => {
        const { tenantId } = principalOf(request);
        const flow = await runtime.flows.find(tenantId, request.params.flow);
        const run = await runtime.flowRunLog.get(tenantId, flow, request.params.id);
        return {
          ...toSummary(run),
          parameters: run.parameters,
          messages: run.messages,
          response: run.response,
          toolCalls: (run.toolCalls as z.infer<typeof runDetail>['toolCalls']) ?? null,
        };
      },
    );
  };
}

async function streamRun(
  runtime: Runtime,
  request: FastifyRequest,
  reply: FastifyReply,
  run: PreparedRun,
  ctx: CallContext,
  body: RunBody,
): Promise<FastifyReply> {
  const { target, stream } = await runtime.flowRunner.stream(run, ctx);
  setServedHeaders(request, reply, target, stream.model, ctx.meter, false);
  let text = '';
  const collected = (async function* () {
    for await (const part of stream.parts) {
      const delta = /"content":"((?:[^"\\]|\\.)*)"/.exec(part.data)?.[1];
      if (delta) text += JSON.parse(`"${delta}"`) as string;
      yield part;
    }
  })();
  await sendEventStream(
    request,
    reply,
    { ...stream, parts: collected },
    {
      includeUsage: true,
      signal: ctx.signal,
      trailer: () => ({ object: 'flow.run', ...summary(run, ctx, text, ctx.meter.servedModel ?? stream.model) }),
    },
  );
  // The connection's signal: it also fires if the client hangs up after the whole answer was sent.
  const cut = ctx.signal.aborted && !reply.raw.writableFinished;
  record(runtime, request, run, ctx, body, { status: ctx.meter.failedStatus ?? (cut ? 499 : 200), text });
  return reply;
}

function summary(run: PreparedRun, ctx: CallContext, response: unknown, model: string) {
  return {
    id: run.id,
    flowId: run.version.flowId,
    version: run.version.version,
    environment: ctx.environment,
    response,
    usage: { promptTokens: ctx.meter.usage.promptTokens, completionTokens: ctx.meter.usage.completionTokens },
    costUsd: microsToUsd(ctx.meter.billedMicros),
    milliseconds: Math.round(performance.now() - ctx.meter.startedAt),
    model,
    provider: ctx.meter.provider ?? '',
  };
}

function record(
  runtime: Runtime,
  request: FastifyRequest,
  run: PreparedRun,
  ctx: CallContext,
  body: RunBody,
  outcome: { status: number; text: string | null; error?: Error },
): void {
  runtime.flowRunWriter.record(
    runRecord(run, ctx, { ...outcome, requestId: request.id, parameters: body.parameters, tags: body.tags ?? [] }),
  );
}

function toSummary(run: StoredRun) {
  return {
    id: run.id,
    flowId: run.flowId,
    version: run.version,
    environment: run.environment,
    entrypoint: run.entrypoint,
    customer: run.customerExternalId,
    requestId: run.requestId,
    status: run.status,
    httpStatus: run.httpStatus,
    error: run.status === 'failed' ? { code: run.errorCode, message: run.errorMessage } : null,
    model: run.model,
    provider: run.provider,
    usage: { promptTokens: run.promptTokens, completionTokens: run.completionTokens },
    costUsd: microsToUsd(run.costMicros),
    milliseconds: run.latencyMs,
    tags: run.tags,
    createdAt: toIso(run.createdAt),
  };
}
