// The charts behind React.lazy, with a placeholder of the same height while Recharts loads.
import { lazy, Suspense } from 'react';
import { Skeleton } from '../components/skeleton';
import type { BreakdownPoint } from './breakdown-chart';
import type { UsageChartProps } from './usage-chart';

const LoadedUsageChart = lazy(() => import('./usage-chart').then((module) => ({ default: module.UsageChart })));
const LoadedBreakdownChart = lazy(() => import('./breakdown-chart').then((module) => ({ default: module.BreakdownChart })));

/** An empty chart would draw axes from $0 to $4 with nothing on them: it says so instead. */
export function UsageChart(props: UsageChartProps) {
  if (props.points.every((point) => point.requests === 0)) {
    return <p className="chart-empty muted">No requests in this period.</p>;
  }
  return (
    <Suspense fallback={<Skeleton height="280px" />}>
      <LoadedUsageChart {...props} />
    </Suspense>
  );
}

export function BreakdownChart(props: { points: BreakdownPoint[]; label: string }) {
  if (props.points.every((point) => point.costUsd === 0)) {
    return <p className="chart-empty muted">No spend in this period.</p>;
  }
  return (
    <Suspense fallback={<Skeleton height="200px" />}>
      <LoadedBreakdownChart {...props} />
    </Suspense>
  );
}
