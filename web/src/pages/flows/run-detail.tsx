// One run of the log in a side panel: its facts, the parameters, each tool call (name, arguments, status, latency
// and the result the model read, marked when cut) and the answer.
import { useFlowRun } from '../../api/flows';
import type { FlowRun, ToolCallRecord } from '../../api/types';
import { Dialog, DialogClose } from '../../components/dialog';
import { ErrorMessage } from '../../components/error-message';
import { SkeletonRows } from '../../components/skeleton';
import { formatDateTimeSeconds, formatInteger, formatMs, formatUsd } from '../../format/format';

export function RunDetail({ flow, id, onClose }: { flow: string; id: string; onClose: () => void }) {
  const run = useFlowRun(flow, id);
  return (
    <Dialog open onOpenChange={(open) => (open ? undefined : onClose())} title={`Run ${id}`} panel>
      <div className="panel-close">
        <DialogClose>
          <button type="button" className="button ghost small">
            Close
          </button>
        </DialogClose>
      </div>
      <ErrorMessage error={run.error} />
      {run.isPending ? <SkeletonRows rows={6} label="Loading the run" /> : null}
      {run.data ? <RunView run={run.data} /> : null}
    </Dialog>
  );
}

const json = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value, null, 2));

function RunView({ run }: { run: FlowRun }) {
  return (
    <div className="request-detail">
      <section aria-labelledby="run-facts-title">
        <h3 id="run-facts-title">Details</h3>
        <dl className="key-facts">
          <div>
            <dt>Status</dt>
            <dd>
              {run.status === 'succeeded' ? (
                <span className="badge success">Succeeded</span>
              ) : (
                <span className="badge danger">Failed ({run.httpStatus})</span>
              )}
            </dd>
          </div>
          <div>
            <dt>Time</dt>
            <dd>{formatDateTimeSeconds(run.createdAt)}</dd>
          </div>
          <div>
            <dt>Version</dt>
            <dd>
              Version {run.version} in {run.environment}
            </dd>
          </div>
          <div>
            <dt>Model</dt>
            <dd>{run.model ? <code>{run.provider ? `${run.provider}/${run.model}` : run.model}</code> : '—'}</dd>
          </div>
          <div>
            <dt>Cost</dt>
            <dd>{formatUsd(run.costUsd)}</dd>
          </div>
          <div>
            <dt>Latency</dt>
            <dd>{formatMs(run.milliseconds)}</dd>
          </div>
          <div>
            <dt>Tokens</dt>
            <dd>
              {formatInteger(run.usage.promptTokens)} in · {formatInteger(run.usage.completionTokens)} out
            </dd>
          </div>
        </dl>
        {run.error?.message ? (
          <p className="error-message" style={{ marginTop: '0.75rem' }}>
            {run.error.message}
          </p>
        ) : null}
      </section>
      {run.parameters && Object.keys(run.parameters).length > 0 ? (
        <section aria-labelledby="run-parameters-title">
          <h3 id="run-parameters-title">Parameters</h3>
          <pre className="run-response">{json(run.parameters)}</pre>
        </section>
      ) : null}
      {run.toolCalls ? <ToolCalls calls={run.toolCalls} /> : null}
      <section aria-labelledby="run-answer-title">
        <h3 id="run-answer-title">Response</h3>
        {run.response === null ? (
          <p className="muted">Not kept (the tenant keeps metadata only, or the retention period has passed).</p>
        ) : (
          <pre className="run-response">{run.response}</pre>
        )}
      </section>
    </div>
  );
}

const STATUS: Record<ToolCallRecord['status'], { label: string; tone: string }> = {
  succeeded: { label: 'Succeeded', tone: 'badge success' },
  failed: { label: 'Failed', tone: 'badge danger' },
  skipped: { label: 'Skipped (over max tool calls)', tone: 'badge' },
};

function ToolCalls({ calls }: { calls: ToolCallRecord[] }) {
  return (
    <section aria-labelledby="run-tool-calls-title">
      <h3 id="run-tool-calls-title">Tool calls</h3>
      {calls.length === 0 ? (
        <p className="muted">The model called no tool.</p>
      ) : (
        <ol className="tool-calls" aria-label="Tool calls">
          {calls.map((call) => (
            <li key={call.id} className="tool-call" aria-label={`${call.name}: ${STATUS[call.status].label}`}>
              <div className="tool-call-head">
                <code className="tool-call-name">{call.name}</code>
                <span className={STATUS[call.status].tone}>{STATUS[call.status].label}</span>
                <span className="muted small">{formatMs(call.latencyMs)}</span>
              </div>
              <dl className="tool-call-facts">
                <dt>Arguments</dt>
                <dd>
                  {call.arguments === null ? (
                    <span className="muted">Not kept</span>
                  ) : (
                    <pre className="tool-call-result">{json(call.arguments)}</pre>
                  )}
                </dd>
                <dt>{call.truncated ? 'Result (truncated)' : 'Result'}</dt>
                <dd>
                  {call.result === null ? <span className="muted">Not kept</span> : <pre className="tool-call-result">{call.result}</pre>}
                </dd>
              </dl>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
