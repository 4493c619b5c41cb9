// Spend per group (model, customer, key, provider) as horizontal bars. Loaded lazily with Recharts.
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatUsd } from '../format/format';

export interface BreakdownPoint {
  label: string;
  costUsd: number;
}

export function BreakdownChart({ points, label }: { points: BreakdownPoint[]; label: string }) {
  const height = Math.max(120, points.length * 34 + 40);
  return (
    <figure className="chart" role="img" aria-label={label}>
      <ResponsiveContainer width="100%" height={height}>
        <BarChart data={points} layout="vertical" margin={{ top: 8, right: 16, bottom: 0, left: 0 }} accessibilityLayer={false}>
          <CartesianGrid horizontal={false} stroke="var(--border)" />
          <XAxis type="number" tickFormatter={(value: number) => formatUsd(value)} tick={{ fill: 'var(--muted)', fontSize: 12 }} />
          <YAxis type="category" dataKey="label" width={200} tick={{ fill: 'var(--muted)', fontSize: 12 }} />
          <Tooltip
            formatter={(value) => formatUsd(Number(value))}
            contentStyle={{ background: 'var(--surface)', border: '1px solid var(--border)', borderRadius: 8, color: 'var(--text)' }}
          />
          <Bar dataKey="costUsd" name="Spend" fill="var(--chart-spend)" radius={[0, 3, 3, 0]} maxBarSize={22} />
        </BarChart>
      </ResponsiveContainer>
    </figure>
  );
}
