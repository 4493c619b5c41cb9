// One customer: spend, usage over time, limits, block/unblock, details and metadata.
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError } from '../../api/api-error';
import { useCustomer, useUpdateCustomer } from '../../api/customers';
import { useCustomerUsage } from '../../api/usage';
import { ErrorMessage } from '../../components/error-message';
import { LimitsForm } from '../../components/limits-form';
import { PageError } from '../../components/page-error';
import { PageHeader } from '../../components/page-header';
import { SkeletonRows } from '../../components/skeleton';
import { StatCard } from '../../components/stat-card';
import { useToast } from '../../components/toaster';
import { formatDate, formatInteger, formatRelative, formatUsd } from '../../format/format';
import { usePermissions } from '../../session/use-session';
import { UsageChart } from '../../usage/lazy-charts';
import { fillSeries, timeRange } from '../../usage/time-range';
import { logsLink } from '../logs/logs-link';
import { CustomerActions } from './customer-actions';
import { CustomerDetails } from './customer-details';

export function CustomerPage() {
  const externalId = useParams().externalId ?? '';
  const navigate = useNavigate();
  const customer = useCustomer(externalId);
  const range = timeRange('30d');
  const usage = useCustomerUsage(externalId, { from: range.from, to: range.to, groupBy: 'day' });
  const update = useUpdateCustomer(externalId);
  const notify = useToast();
  const { manageCustomers } = usePermissions();

  if (customer.isPending) return <SkeletonRows rows={6} label="Loading the customer" />;
  if (customer.error || !customer.data) {
    return (
      <>
        <PageHeader title={externalId} />
        {customer.error instanceof ApiError && customer.error.status === 404 ? (
          <ErrorMessage error={customer.error} />
        ) : (
          <PageError error={customer.error} onReload={() => void customer.refetch()} />
        )}
        <Link to="/customers">← All customers</Link>
      </>
    );
  }
  const data = customer.data;

  return (
    <>
      <nav aria-label="Breadcrumb">
        <Link to="/customers" className="link">
          ← Customers
        </Link>
      </nav>
      <PageHeader
        title={data.name ? `${data.name}` : data.externalId}
        description={
          <>
            <code>{data.externalId}</code> · first seen {formatDate(data.createdAt)} · last seen {formatRelative(data.lastSeenAt)}{' '}
            {data.blocked ? <span className="badge danger">Blocked</span> : null}
          </>
        }
        actions={
          <>
            <Link to={logsLink({ customer: data.externalId, range: '30d' })} className="button">
              View requests
            </Link>
            {manageCustomers ? <CustomerActions customer={data} onDeleted={() => navigate('/customers')} /> : null}
          </>
        }
      />
      {data.blocked ? (
        <p className="warning" role="status">
          This customer is blocked: their requests are refused with 403 customer_blocked.
        </p>
      ) : null}
      <div className="stats">
        <StatCard label="Spend today" value={formatUsd(data.spendUsd.day)} note="UTC day" />
        <StatCard label="Spend this month" value={formatUsd(data.spendUsd.month)} />
        <StatCard label="Spend all time" value={formatUsd(data.spendUsd.total)} />
        <StatCard label="Requests (30 days)" loading={usage.isPending} value={formatInteger(usage.data?.totals.requests ?? 0)} />
      </div>
      <section className="card" aria-labelledby="customer-usage-title">
        <h2 id="customer-usage-title">Last 30 days</h2>
        <ErrorMessage error={usage.error} />
        {usage.data ? <UsageChart points={fillSeries(usage.data.data, range)} label={`Usage of ${data.externalId} over 30 days`} /> : null}
      </section>
      <div className="grid-2">
        <section className="card" aria-labelledby="customer-limits-title">
          <h2 id="customer-limits-title">Limits</h2>
          <p className="muted" style={{ marginBottom: '1rem' }}>
            Apply to this customer's requests, on top of the tenant's and the key's.
          </p>
          <LimitsForm
            idPrefix="customer-limits"
            limits={data.limits}
            readOnly={!manageCustomers}
            pending={update.isPending}
            error={update.error}
            onSave={(limits) => update.mutate({ limits }, { onSuccess: () => notify('Limits saved') })}
          />
        </section>
        <CustomerDetails customer={data} canEdit={manageCustomers} />
      </div>
    </>
  );
}
