// Logs: every request the gateway logged, newest first, filtered as you type (the filters live in the URL), a page
// at a time; /logs/{id} opens one request in a side panel over the list.
import { useCallback, useMemo, useState } from 'react';
import { useLocation, useNavigate, useParams, useSearchParams } from 'react-router';
import { useKeys } from '../../api/keys';
import { type RequestFilter, useRequests } from '../../api/requests';
import { useEnvironments } from '../../api/settings';
import { EmptyState } from '../../components/empty-state';
import { ErrorMessage } from '../../components/error-message';
import { PageHeader } from '../../components/page-header';
import { SkeletonRows } from '../../components/skeleton';
import { activeFilters, filterQuery, rangeOf, rangeQuery } from './log-filter';
import { LogFilterChips, LogsFilters } from './logs-filters';
import { RequestDetail } from './request-detail';
import { RequestsTable } from './requests-table';

export function LogsPage() {
  const [params, setParams] = useSearchParams();
  const { search } = useLocation();
  const navigate = useNavigate();
  const openId = useParams().id;
  const range = rangeOf(params);
  // A preset counts back from when it was chosen (or refreshed), so the list's query stays the same meanwhile.
  const [refreshedAt, setRefreshedAt] = useState(() => Date.now());
  const rangeKey = JSON.stringify(range);
  // biome-ignore lint/correctness/useExhaustiveDependencies: rangeKey stands for range, which is a new object each render
  const timeWindow = useMemo(() => rangeQuery(range, refreshedAt), [rangeKey, refreshedAt]);
  const filter: RequestFilter = { ...timeWindow, ...filterQuery(params) };
  const requests = useRequests(filter);
  const keys = useKeys();
  const environments = useEnvironments();
  const keyNames = useMemo(() => new Map(keys.data?.data.map((key) => [key.id, key.name]) ?? []), [keys.data]);

  // From the address bar, not this render's params: two fields' debounced changes can land before React renders
  // between them, and the second must not undo the first.
  const update = useCallback(
    (changes: Record<string, string>) => {
      const next = new URLSearchParams(window.location.search);
      for (const [name, value] of Object.entries(changes)) {
        if (value === '') next.delete(name);
        else next.set(name, value);
      }
      setParams(next, { replace: true });
    },
    [setParams],
  );
  const rows = requests.data?.pages.flatMap((page) => page.data) ?? [];
  const filtered = activeFilters(params).length > 0;

  return (
    <>
      <PageHeader
        title="Logs"
        description="Every request with its prompt, its answer, what it cost and who answered. The same filters work on GET /api/v1/requests."
        actions={
          <button
            type="button"
            className="button"
            // A preset moves to now (a new query); a custom range is asked again as it is.
            onClick={() => (range.kind === 'preset' ? setRefreshedAt(Date.now()) : requests.refetch())}
            disabled={requests.isFetching}
          >
            Refresh
          </button>
        }
      />
      <LogsFilters
        params={params}
        range={range}
        keys={keys.data?.data ?? []}
        environments={environments.data?.data ?? []}
        onChange={update}
      />
      <section className="card" aria-labelledby="logs-list-title">
        <div className="card-header">
          <h2 id="logs-list-title">Requests</h2>
          <LogFilterChips params={params} keyNames={keyNames} onChange={update} />
        </div>
        <ErrorMessage error={requests.error} />
        {requests.isPending ? (
          <SkeletonRows rows={8} label="Loading requests" />
        ) : rows.length === 0 ? (
          filtered ? (
            <EmptyState title="No requests match these filters">Widen the time range or remove a filter.</EmptyState>
          ) : (
            <EmptyState title="No requests in this time range">
              Requests to <code>/api/v1/chat/completions</code>, <code>/embeddings</code>, <code>/responses</code>, <code>/messages</code>{' '}
              and flow runs show up here a moment after they finish.
            </EmptyState>
          )
        ) : (
          <RequestsTable rows={rows} search={search} busy={requests.isFetching} />
        )}
        {requests.hasNextPage ? (
          <div className="form-actions">
            <button
              type="button"
              className="button"
              disabled={requests.isFetchingNextPage}
              aria-busy={requests.isFetchingNextPage}
              onClick={() => requests.fetchNextPage()}
            >
              Load more
            </button>
          </div>
        ) : null}
      </section>
      {openId ? <RequestDetail id={openId} keyNames={keyNames} onClose={() => navigate({ pathname: '/logs', search })} /> : null}
    </>
  );
}
