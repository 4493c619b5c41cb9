// A flow run asked for through Shuttle's MCP server: the same pipeline as POST /flows/{flow}/runs — admission,
// customer attribution, limits, routing, one usage event (endpoint `flows.run`, with the flow and version) and a
// run-log record. The usage event is the HTTP request's, so one POST /api/mcp carries at most one run.
import type { FastifyRequest } from 'fastify';
import { InvalidRequestError, ShuttleError } from '../../errors/shuttle-error.js';
import type { PreparedRun } from '../../flows/flow-runner.js';
import { runRecord } from '../../flows/run-record.js';
import type { CallContext } from '../../gateway/gateway.js';
import { microsToUsd } from '../../metering/price-table.js';
import { RequestMeter } from '../../metering/request-meter.js';
import type { Runtime } from '../../runtime.js';
import { beginProxyRequest } from '../proxy-request.js';
import { principalOf } from '../request-context.js';

export interface McpRunArgs {
  flow: string;
  parameters: Record<string, unknown>;
  environment?: string | undefined;
  version?: number | undefined;
  customerId?: string | undefined;
}

export async function runFlowForMcp(runtime: Runtime, request: FastifyRequest, args: McpRunArgs) {
  if (request.meter !== null) {
    throw new InvalidRequestError('One request to /api/mcp runs at most one flow: send each run_flow call in a request of its own.');
  }
  const meter = new RequestMeter('flows.run', request.startedAt);
  request.meter = meter;
  // Metered routes start their span before the handler; this run's meter exists only from here.
  runtime.tracing?.requestStarted(meter, request.headers);
  let run: PreparedRun | undefined;
  let ctx: CallContext | undefined;
  try {
    const { tenantId } = principalOf(request);
    const flow = await runtime.flows.find(tenantId, args.flow);
    ctx = await beginProxyRequest(runtime, request, { customerId: args.customerId }, args.environment);
    meter.flowId = flow.id;
    run = await runtime.flowRunner.prepare(tenantId, ctx.environment, {
      flow,
      parameters: args.parameters,
      version: args.version,
    });
    meter.flowVersion = run.version.version;
    const answer = await runtime.flowRunner.answer(run, ctx);
    record(runtime, request, run, ctx, args, { status: 200, text: answer.text });
    return {
      id: run.id,
      flowId: run.version.flowId,
      version: run.version.version,
      environment: ctx.environment,
      response: answer.response,
      usage: { promptTokens: meter.usage.promptTokens, completionTokens: meter.usage.completionTokens },
      costUsd: microsToUsd(meter.costMicros),
      milliseconds: Math.round(performance.now() - meter.startedAt),
      model: answer.model,
      provider: meter.provider ?? '',
    };
  } catch (error) {
    // The HTTP response is a 200 (the JSON-RPC answer carries the failure): the usage event says what the run got.
    const failure = error instanceof ShuttleError ? error : new ShuttleError('internal_error');
    meter.failedStatus = failure.status;
    meter.errorCode = failure.code;
    if (run && ctx) record(runtime, request, run, ctx, args, { status: failure.status, text: null, error: failure });
    throw error;
  }
}

function record(
  runtime: Runtime,
  request: FastifyRequest,
  run: PreparedRun,
  ctx: CallContext,
  args: McpRunArgs,
  outcome: { status: number; text: string | null; error?: ShuttleError },
): void {
  runtime.flowRunWriter.record(runRecord(run, ctx, { ...outcome, requestId: request.id, parameters: args.parameters, tags: ['mcp'] }));
}
