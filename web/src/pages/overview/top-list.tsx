// The top few models or customers by spend, each with a bar of its share.
import type { ReactNode } from 'react';
import type { UsageRow } from '../../api/types';
import { EmptyState } from '../../components/empty-state';
import { SkeletonRows } from '../../components/skeleton';
import { formatUsd } from '../../format/format';
import { countOf } from '../../format/labels';

interface TopListProps {
  title: string;
  rows: UsageRow[] | undefined;
  name: (row: UsageRow) => ReactNode;
  empty: string;
}

export function TopList({ title, rows, name, empty }: TopListProps) {
  const top = rows?.slice(0, 5) ?? [];
  const most = Math.max(...top.map((row) => row.costUsd), 0);
  return (
    <section className="card" aria-label={title}>
      <h2>{title}</h2>
      {!rows ? (
        <SkeletonRows rows={3} label={`Loading ${title.toLowerCase()}`} />
      ) : top.length === 0 ? (
        <EmptyState title={empty} />
      ) : (
        <ol className="top-list">
          {top.map((row, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: a ranked list; the rank is the identity
            <li key={index}>
              <div className="top-row">
                <span className="top-name">{name(row)}</span>
                <span className="top-value">{formatUsd(row.costUsd)}</span>
              </div>
              <div className="bar" aria-hidden="true">
                <span style={{ width: `${most > 0 ? Math.max(2, (row.costUsd / most) * 100) : 2}%` }} />
              </div>
              <div className="muted small">{countOf(row.requests, 'request')}</div>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
