// The time-series chart (Recharts): spend as an area, requests as bars. Loaded lazily: Recharts stays out of the
// initial bundle.
import { Area, Bar, CartesianGrid, ComposedChart, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatCompact, formatUsd } from '../format/format';
import { bucketFormatter } from './axis-format';
import type { SeriesPoint } from './time-range';

export interface UsageChartProps {
  points: SeriesPoint[];
  label: string;
}

export function UsageChart({ points, label }: UsageChartProps) {
  const formatTick = bucketFormatter(points.map((point) => point.bucket));
  return (
    // One image with one name: without this the chart was a Tab stop named by every axis label.
    <figure className="chart" role="img" aria-label={label}>
      <ResponsiveContainer width="100%" height={280}>
        <ComposedChart data={points} margin={{ top: 8, right: 8, bottom: 0, left: 0 }} accessibilityLayer={false}>
          <defs>
            <linearGradient id="spend-fill" x1="0" y1="0" x2="0" y2="1">
              <stop offset="0%" stopColor="var(--chart-spend)" stopOpacity={0.35} />
              <stop offset="100%" stopColor="var(--chart-spend)" stopOpacity={0} />
            </linearGradient>
          </defs>
          <CartesianGrid vertical={false} stroke="var(--border)" />
          <XAxis dataKey="bucket" tickFormatter={formatTick} tick={{ fill: 'var(--muted)', fontSize: 12 }} minTickGap={24} />
          <YAxis
            yAxisId="spend"
            tickFormatter={(value: number) => formatUsd(value)}
            tick={{ fill: 'var(--muted)', fontSize: 12 }}
            width={72}
          />
          <YAxis
            yAxisId="requests"
            orientation="right"
            allowDecimals={false}
            tickFormatter={(value: number) => formatCompact(value)}
            tick={{ fill: 'var(--muted)', fontSize: 12 }}
            width={48}
          />
          <Tooltip
            labelFormatter={(bucket) => formatTick(String(bucket))}
            formatter={(value, name) => (name === 'Spend' ? formatUsd(Number(value)) : formatCompact(Number(value)))}
            contentStyle={{ background: 'var(--surface)', border: '1px solid var(--border)', borderRadius: 8, color: 'var(--text)' }}
          />
          {/* The legend's words in the text colour (the series colours are for the swatches), for contrast. */}
          <Legend formatter={(value) => <span className="chart-legend-text">{value}</span>} />
          <Bar yAxisId="requests" dataKey="requests" name="Requests" fill="var(--chart-requests)" radius={[3, 3, 0, 0]} maxBarSize={24} />
          <Area
            yAxisId="spend"
            type="monotone"
            dataKey="costUsd"
            name="Spend"
            stroke="var(--chart-spend)"
            strokeWidth={2}
            fill="url(#spend-fill)"
          />
        </ComposedChart>
      </ResponsiveContainer>
    </figure>
  );
}
