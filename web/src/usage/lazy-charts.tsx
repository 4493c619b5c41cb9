// The charts behind React.lazy, with a placeholder of the same height while Recharts loads.
import { lazy, Suspense } from 'react';
import { Skeleton } from '../components/skeleton';
import type { BreakdownPoint } from './breakdown-chart';
import type { UsageChartProps } from './usage-chart';

const LoadedUsageChart = lazy(() => import('./usage-chart').then((module) => ({ default: module.UsageChart })));
const LoadedBreakdownChart = lazy(() => import('./breakdown-chart').then((module) => ({ default: module.BreakdownChart })));

export function UsageChart(props: UsageChartProps) {
  return (
    <Suspense fallback={<Skeleton height="280px" />}>
      <LoadedUsageChart {...props} />
    </Suspense>
  );
}

export function BreakdownChart(props: { points: BreakdownPoint[]; label: string }) {
  return (
    <Suspense fallback={<Skeleton height="200px" />}>
      <LoadedBreakdownChart {...props} />
    </Suspense>
  );
}
