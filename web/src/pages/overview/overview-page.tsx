// Overview: the tenant's traffic and spend at a glance, or how to begin when there is none yet.
import { Link, useSearchParams } from 'react-router';
import { useUsage } from '../../api/usage';
import { useRetained } from '../../api/use-retained';
import { ErrorMessage } from '../../components/error-message';
import { PageError } from '../../components/page-error';
import { PageHeader } from '../../components/page-header';
import { Skeleton } from '../../components/skeleton';
import { modelLabel } from '../../format/labels';
import { UsageChart } from '../../usage/lazy-charts';
import { RangePicker } from '../../usage/range-picker';
import { isRangeName, seriesOf, timeRange } from '../../usage/time-range';
import { UsageStats } from '../../usage/usage-stats';
import { FirstRequest } from './first-request';
import { PlanCard } from './plan-card';
import { TopList } from './top-list';

export function OverviewPage() {
  const [params, setParams] = useSearchParams();
  const rangeParam = params.get('range');
  const rangeName = isRangeName(rangeParam) ? rangeParam : '7d';
  const range = timeRange(rangeName);
  const span = { from: range.from, to: range.to };

  // Anything in the last 30 days (the API's default range) means the tenant is under way.
  const lifetime = useUsage({ groupBy: 'none' });
  const started = (lifetime.data?.totals.requests ?? 0) > 0;
  const series = useUsage({ ...span, groupBy: range.groupBy }, started);
  const models = useUsage({ ...span, groupBy: 'model', limit: 5 }, started);
  const customers = useUsage({ ...span, groupBy: 'customer', limit: 5 }, started);
  // The last answers stay on screen while newer ones can't be had (the server unreachable).
  const seriesReport = useRetained(series.data);
  const modelRows = useRetained(models.data)?.data;
  const customerRows = useRetained(customers.data)?.data;

  const picker = <RangePicker value={rangeName} onChange={(name) => setParams({ range: name }, { replace: true })} />;
  if (lifetime.isPending) {
    return (
      <>
        <PageHeader title="Overview" />
        <div className="stack" role="status" aria-label="Loading the overview">
          <Skeleton height="6rem" />
          <Skeleton height="18rem" />
        </div>
      </>
    );
  }
  if (lifetime.error && !lifetime.data) {
    return (
      <>
        <PageHeader title="Overview" />
        <PageError error={lifetime.error} onReload={() => void lifetime.refetch()} />
      </>
    );
  }
  if (!started) {
    return (
      <>
        <PageHeader title="Overview" description="Requests, spend and customers appear here once traffic flows through Shuttle." />
        <PlanCard />
        <FirstRequest />
      </>
    );
  }

  return (
    <>
      <PageHeader title="Overview" description="Traffic and spend across every key and customer." actions={picker} />
      <ErrorMessage error={series.error ?? models.error ?? customers.error} />
      <UsageStats totals={seriesReport?.totals} loading={!seriesReport} />
      <section className="card" aria-labelledby="overview-chart-title">
        <div className="card-header">
          <h2 id="overview-chart-title">Requests and spend</h2>
          <Link to={`/usage?range=${rangeName}`} className="link">
            Explore usage →
          </Link>
        </div>
        {seriesReport ? (
          <UsageChart points={seriesOf(seriesReport)} label={`Requests and spend over the last ${rangeName}`} />
        ) : series.error ? null : (
          <Skeleton height="280px" />
        )}
      </section>
      <div className="grid-2">
        <TopList title="Top models" rows={modelRows} name={(row) => modelLabel(row.model)} empty="No model used in this range" />
        <TopList
          title="Top customers"
          rows={customerRows}
          empty="No customer named in this range"
          name={(row) => (row.customer ? <Link to={`/customers/${encodeURIComponent(row.customer)}`}>{row.customer}</Link> : 'No customer')}
        />
      </div>
      <PlanCard />
    </>
  );
}
