// One logged request in a side panel (its own URL, /logs/{id}): the conversation as chat bubbles, the facts, the
// upstream attempts, the raw JSON of both bodies and "Copy as curl".
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { type LoggedBody, type RequestEntry, useRequest } from '../../api/requests';
import { CopyButton } from '../../components/copy-button';
import { Dialog, DialogClose } from '../../components/dialog';
import { ErrorMessage } from '../../components/error-message';
import { SkeletonRows } from '../../components/skeleton';
import { formatDateTimeSeconds, formatInteger, formatMs, formatUsd } from '../../format/format';
import { NO_MODEL, NO_PROVIDER } from '../../format/labels';
import { conversationOf, readable } from './conversation';
import { ConversationView } from './conversation-view';
import { curlCommand } from './curl';
import { StatusBadge } from './requests-table';

interface RequestDetailProps {
  id: string;
  keyNames: Map<string, string>;
  onClose: () => void;
}

export function RequestDetail({ id, keyNames, onClose }: RequestDetailProps) {
  const entry = useRequest(id);
  return (
    <Dialog open onOpenChange={(open) => (open ? undefined : onClose())} title={`Request ${id}`} panel>
      <div className="panel-close">
        <DialogClose>
          <button type="button" className="button ghost small">
            Close
          </button>
        </DialogClose>
      </div>
      <ErrorMessage error={entry.error} />
      {entry.isPending ? <SkeletonRows rows={6} label="Loading the request" /> : null}
      {entry.data ? <EntryView entry={entry.data} keyNames={keyNames} /> : null}
    </Dialog>
  );
}

function EntryView({ entry, keyNames }: { entry: RequestEntry; keyNames: Map<string, string> }) {
  const requestBody = entry.request && !entry.request.truncated ? entry.request.body : null;
  const curl = curlCommand(
    { endpoint: entry.endpoint, customerId: entry.customerId, flowId: entry.flowId, body: requestBody },
    window.location.origin,
  );
  const turns =
    entry.request || entry.response ? conversationOf(entry.endpoint, entry.request?.body ?? null, entry.response?.body ?? null) : null;
  return (
    <div className="request-detail">
      <div className="detail-actions">
        {curl ? (
          <CopyButton value={curl} text="Copy as curl" />
        ) : (
          <>
            <button type="button" className="button" disabled aria-describedby="curl-unavailable">
              Copy as curl
            </button>
            <span id="curl-unavailable" className="muted small">
              {entry.request?.truncated ? 'The request body was truncated.' : 'The request body was not kept.'}
            </span>
          </>
        )}
      </div>
      <Notes entry={entry} />
      <section aria-labelledby="request-conversation-title">
        <h3 id="request-conversation-title">Conversation</h3>
        {turns && turns.length > 0 ? (
          <ConversationView turns={turns} />
        ) : (
          <p className="muted">
            {entry.level === 'metadata' ? 'Not kept: this request was logged at level metadata.' : 'Nothing to show as a conversation.'}
          </p>
        )}
      </section>
      <section aria-labelledby="request-facts-title">
        <h3 id="request-facts-title">Details</h3>
        <Facts entry={entry} keyNames={keyNames} />
      </section>
      <Attempts entry={entry} />
      <section aria-labelledby="request-raw-title">
        <h3 id="request-raw-title">Raw JSON</h3>
        <RawBody title="Request body" body={entry.request} />
        <RawBody title="Response body" body={entry.response} />
      </section>
    </div>
  );
}

function Notes({ entry }: { entry: RequestEntry }) {
  const truncated = [entry.request?.truncated ? 'request' : null, entry.response?.truncated ? 'response' : null].filter(Boolean);
  return (
    <>
      {entry.level === 'metadata' ? (
        <p className="notice">
          Logged at level <strong>metadata</strong>: the prompt and the answer were not kept, only the facts below. The tenant's request log
          level (Settings) or the request's <code>x-shuttle-log</code> header decides.
        </p>
      ) : null}
      {truncated.length > 0 ? (
        <p className="notice">
          The {truncated.join(' and ')} body was over the size cap and was truncated: what was kept is shown as text, not as a conversation.
        </p>
      ) : null}
    </>
  );
}

function Fact({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div>
      <dt>{term}</dt>
      <dd>{children}</dd>
    </div>
  );
}

const none = <span className="muted">—</span>;

function Facts({ entry, keyNames }: { entry: RequestEntry; keyNames: Map<string, string> }) {
  const keyName = entry.keyId ? keyNames.get(entry.keyId) : undefined;
  return (
    <dl className="key-facts request-facts">
      <Fact term="Request id">
        <code>{entry.id}</code>
      </Fact>
      <Fact term="Time">{formatDateTimeSeconds(entry.createdAt)}</Fact>
      <Fact term="Endpoint">{entry.endpoint}</Fact>
      <Fact term="Status">
        <StatusBadge status={entry.status} errorCode={entry.errorCode} />
      </Fact>
      <Fact term="Model asked for">{entry.requestedModel ?? NO_MODEL}</Fact>
      <Fact term="Model that answered">{entry.servedModel ?? none}</Fact>
      <Fact term="Provider">{entry.provider ?? NO_PROVIDER}</Fact>
      <Fact term="Environment">{entry.environment ?? none}</Fact>
      <Fact term="API key">
        {entry.keyId ? (
          <>
            {keyName ?? ''} <code>{entry.keyId}</code>
          </>
        ) : (
          'Session (dashboard)'
        )}
      </Fact>
      <Fact term="Customer">
        {entry.customerId ? <Link to={`/customers/${encodeURIComponent(entry.customerId)}`}>{entry.customerId}</Link> : none}
      </Fact>
      <Fact term="Prompt tokens">{formatInteger(entry.promptTokens)}</Fact>
      <Fact term="Completion tokens">{formatInteger(entry.completionTokens)}</Fact>
      <Fact term="Cached tokens">{formatInteger(entry.cachedTokens)}</Fact>
      <Fact term="Cost">{formatUsd(entry.costUsd)}</Fact>
      <Fact term="Latency">{formatMs(entry.latencyMs)}</Fact>
      <Fact term="Time to first token">{formatMs(entry.ttftMs)}</Fact>
      <Fact term="Upstream time">{formatMs(entry.upstreamMs)}</Fact>
      <Fact term="Streamed">{entry.streamed ? 'Yes' : 'No'}</Fact>
      {entry.flowId ? (
        <Fact term="Flow">
          <code>{entry.flowId}</code>
          {entry.flowVersion === null ? '' : `, version ${entry.flowVersion}`}
        </Fact>
      ) : null}
      <Fact term="Log level">{entry.level}</Fact>
      {entry.metadata && Object.keys(entry.metadata).length > 0 ? (
        <Fact term="Tags">
          <ul className="tags">
            {Object.entries(entry.metadata).map(([name, value]) => (
              <li key={name}>
                <code>
                  {name}={value}
                </code>
              </li>
            ))}
          </ul>
        </Fact>
      ) : null}
    </dl>
  );
}

function Attempts({ entry }: { entry: RequestEntry }) {
  return (
    <section aria-labelledby="request-attempts-title">
      <h3 id="request-attempts-title">Attempts</h3>
      {entry.attempts.length === 0 ? (
        <p className="muted">No upstream call (answered by the gateway itself, or refused before routing).</p>
      ) : (
        <div className="table-wrap">
          <table aria-labelledby="request-attempts-title">
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">Provider</th>
                <th scope="col">Model</th>
                <th scope="col">Status</th>
                <th scope="col" className="number">
                  Latency
                </th>
                <th scope="col">Error</th>
              </tr>
            </thead>
            <tbody>
              {entry.attempts.map((attempt, index) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: attempts have no id; their order is the order they were made in
                <tr key={index}>
                  <td>{index + 1}</td>
                  <td>{attempt.provider}</td>
                  <td>{attempt.model ?? none}</td>
                  <td>{attempt.status === null ? 'No answer' : <StatusBadge status={attempt.status} errorCode={null} />}</td>
                  <td className="number">{formatMs(attempt.latencyMs)}</td>
                  <td className="wrap">
                    {attempt.errorCode || attempt.errorMessage ? (
                      <>
                        {attempt.errorCode ? <code>{attempt.errorCode}</code> : null} {attempt.errorMessage}
                      </>
                    ) : (
                      none
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function RawBody({ title, body }: { title: string; body: LoggedBody | null }) {
  if (!body) {
    return <p className="muted">{title}: not kept.</p>;
  }
  return (
    <details className="raw-body">
      <summary>
        {title}{' '}
        <span className="muted">
          ({formatInteger(body.bytes)} bytes{body.truncated ? ', truncated' : ''})
        </span>
      </summary>
      <pre className="json">{readable(body.body)}</pre>
    </details>
  );
}
