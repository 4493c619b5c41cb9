// One headline number (requests, spend, …) with its label and an optional note.
import type { ReactNode } from 'react';
import { Skeleton } from './skeleton';

export function StatCard({
  label,
  value,
  note,
  loading = false,
}: {
  label: string;
  value: ReactNode;
  note?: ReactNode;
  loading?: boolean;
}) {
  return (
    <section className="card stat" aria-label={label}>
      <h2 className="stat-label">{label}</h2>
      <div className="stat-value">{loading ? <Skeleton width="6rem" height="1.75rem" /> : value}</div>
      {note ? <div className="stat-note muted">{note}</div> : null}
    </section>
  );
}
