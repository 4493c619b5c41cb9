// The run-log record of one flow run, whoever started it (the HTTP API or `shuttle flows run`).
import type { ShuttleError } from '../errors/shuttle-error.js';
import type { CallContext } from '../gateway/gateway.js';
import type { FlowRunRecord } from '../store/repositories/flow-runs.js';
import type { PreparedRun } from './flow-runner.js';

export interface RunOutcome {
  requestId: string;
  status: number;
  /** The answer's text (for streams, what was streamed). */
  text: string | null;
  error?: ShuttleError | Error | undefined;
  parameters: Record<string, unknown>;
  tags: string[];
}

export function runRecord(run: PreparedRun, ctx: CallContext, outcome: RunOutcome): FlowRunRecord {
  const keepBodies = ctx.tenant.runRetentionDays > 0;
  const failed = outcome.error !== undefined || outcome.status >= 400;
  const code = outcome.error && 'code' in outcome.error ? outcome.error.code : (ctx.meter.errorCode ?? (failed ? 'internal_error' : null));
  return {
    id: run.id,
    tenantId: ctx.tenant.tenantId,
    flowId: run.version.flowId,
    version: run.version.version,
    environment: ctx.environment,
    entrypoint: run.entrypoint,
    customerId: ctx.customer?.id ?? null,
    requestId: outcome.requestId,
    status: failed ? 'failed' : 'succeeded',
    httpStatus: outcome.status,
    errorCode: failed ? code : null,
    errorMessage: failed ? (outcome.error?.message ?? code) : null,
    model: ctx.meter.servedModel,
    provider: ctx.meter.provider,
    promptTokens: ctx.meter.usage.promptTokens,
    completionTokens: ctx.meter.usage.completionTokens,
    costMicros: ctx.meter.billedMicros,
    latencyMs: Math.round(performance.now() - ctx.meter.startedAt),
    tags: outcome.tags,
    parameters: keepBodies ? outcome.parameters : null,
    messages: keepBodies ? run.messages : null,
    response: keepBodies ? outcome.text : null,
    toolCalls: run.tools
      ? keepBodies
        ? run.toolCalls
        : run.toolCalls.map((call) => ({ ...call, arguments: null, result: null, truncated: false }))
      : null,
    createdAt: Date.now(),
  };
}
