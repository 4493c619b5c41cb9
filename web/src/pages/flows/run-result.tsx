// What a run answered, with what it cost and how long it took.
import type { FlowRunResult } from '../../api/types';
import { formatInteger, formatMs, formatUsd } from '../../format/format';

export function RunResult({ result }: { result: FlowRunResult }) {
  const response = typeof result.response === 'string' ? result.response : JSON.stringify(result.response, null, 2);
  return (
    <section className="run-result" aria-labelledby="run-result-title">
      <h3 id="run-result-title">Run result</h3>
      <dl className="key-facts">
        <div>
          <dt>Cost</dt>
          <dd>{formatUsd(result.costUsd)}</dd>
        </div>
        <div>
          <dt>Latency</dt>
          <dd>{formatMs(result.milliseconds)}</dd>
        </div>
        <div>
          <dt>Tokens</dt>
          <dd>
            {formatInteger(result.usage.promptTokens)} in · {formatInteger(result.usage.completionTokens)} out
          </dd>
        </div>
        <div>
          <dt>Model</dt>
          <dd>
            <code>{result.provider ? `${result.provider}/${result.model}` : result.model}</code>
          </dd>
        </div>
        <div>
          <dt>Version</dt>
          <dd>
            Version {result.version} in {result.environment}
          </dd>
        </div>
      </dl>
      <h4 className="response-title">Response</h4>
      <pre className="run-response">{response}</pre>
    </section>
  );
}
