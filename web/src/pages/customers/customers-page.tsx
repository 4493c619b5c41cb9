// Customers: everyone the tenant's requests were made for, searchable, sortable, a page at a time.
import { useCallback, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { type CustomerSort, useCustomers } from '../../api/customers';
import { useRetained } from '../../api/use-retained';
import { DebouncedInput } from '../../components/debounced-input';
import { EmptyState } from '../../components/empty-state';
import { ErrorMessage } from '../../components/error-message';
import { FilterChips } from '../../components/filter-chips';
import { PageError } from '../../components/page-error';
import { PageHeader } from '../../components/page-header';
import { SkeletonRows } from '../../components/skeleton';
import { formatInteger, formatRelative, formatUsd } from '../../format/format';
import { SortHeader } from './sort-header';

const PAGE_SIZE = 25;
const SORTS: CustomerSort[] = ['spend', 'requests', 'createdAt', 'lastSeenAt', 'externalId'];

export function CustomersPage() {
  const [params, setParams] = useSearchParams();
  const search = params.get('search') ?? '';
  const sortParam = params.get('sort') as CustomerSort | null;
  const sort: CustomerSort = sortParam && SORTS.includes(sortParam) ? sortParam : 'spend';
  const order = params.get('order') === 'asc' ? 'asc' : 'desc';
  // Cursors of the pages before this one, so "Previous" can go back.
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors.at(-1) ?? null;

  const update = useCallback(
    (changes: Record<string, string>) => {
      const next = new URLSearchParams(window.location.search);
      for (const [name, value] of Object.entries(changes)) {
        if (value === '') next.delete(name);
        else next.set(name, value);
      }
      setCursors([]);
      setParams(next, { replace: true });
    },
    [setParams],
  );

  const customers = useCustomers({ search, sort, order, limit: PAGE_SIZE, cursor });
  // The last page answered stays on screen while a newer question can't be answered (the server unreachable).
  const list = useRetained(customers.data);
  const rows = list?.data ?? [];
  const sortBy = (column: CustomerSort) =>
    update({ sort: column, order: column === sort ? (order === 'asc' ? 'desc' : 'asc') : column === 'externalId' ? 'asc' : 'desc' });

  return (
    <>
      <PageHeader title="Customers" description="Your own users, as named by X-Shuttle-Customer-Id, with what each has spent." />
      <section className="card" aria-label="Customer list">
        <div className="card-header">
          <div className="field" style={{ flex: '1 1 280px', maxWidth: 420 }}>
            <label htmlFor="customer-search">Search customers</label>
            {/* Searches as you type, a moment after you stop. */}
            <DebouncedInput
              id="customer-search"
              type="search"
              placeholder="External id, name or email"
              value={search}
              onCommit={(typed) => update({ search: typed })}
            />
          </div>
        </div>
        <FilterChips chips={search ? [{ name: 'search', label: `Search: “${search}”` }] : []} onChange={update} />
        {list ? <ErrorMessage error={customers.error} /> : null}
        {customers.error && !list ? (
          <PageError error={customers.error} onReload={() => void customers.refetch()} />
        ) : !list ? (
          <SkeletonRows rows={6} label="Loading customers" />
        ) : rows.length === 0 ? (
          search ? (
            <EmptyState title={`No customer matches "${search}"`}>Try part of the id, the name or the email.</EmptyState>
          ) : (
            <EmptyState title="No customers yet">
              Send <code>X-Shuttle-Customer-Id: &lt;your user's id&gt;</code> with each request (or OpenAI's <code>user</code> field):
              Shuttle creates the customer on first use and tracks its requests and spend.
            </EmptyState>
          )
        ) : (
          <div className="table-wrap">
            <table aria-busy={customers.isFetching}>
              <thead>
                <tr>
                  <SortHeader column="externalId" label="External id" sort={sort} order={order} onSort={sortBy} />
                  <th scope="col">Name</th>
                  <SortHeader column="requests" label="Requests" sort={sort} order={order} onSort={sortBy} numeric />
                  <SortHeader column="spend" label="Spend" sort={sort} order={order} onSort={sortBy} numeric />
                  <SortHeader column="lastSeenAt" label="Last seen" sort={sort} order={order} onSort={sortBy} />
                </tr>
              </thead>
              <tbody>
                {rows.map((customer) => (
                  <tr key={customer.id}>
                    <th scope="row">
                      <Link to={`/customers/${encodeURIComponent(customer.externalId)}`}>{customer.externalId}</Link>{' '}
                      {customer.blocked ? <span className="badge danger">Blocked</span> : null}
                    </th>
                    <td>{customer.name ?? <span className="muted">—</span>}</td>
                    <td className="number">{formatInteger(customer.requests)}</td>
                    <td className="number">{formatUsd(customer.spendUsd)}</td>
                    <td>{formatRelative(customer.lastSeenAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {cursors.length > 0 || customers.data?.nextCursor ? (
          <nav className="pagination" aria-label="Pages of customers">
            <button type="button" className="button" disabled={cursors.length === 0} onClick={() => setCursors(cursors.slice(0, -1))}>
              Previous
            </button>
            <span className="muted">Page {cursors.length + 1}</span>
            <button
              type="button"
              className="button"
              disabled={!customers.data?.nextCursor}
              onClick={() => customers.data?.nextCursor && setCursors([...cursors, customers.data.nextCursor])}
            >
              Next
            </button>
          </nav>
        ) : null}
      </section>
    </>
  );
}
