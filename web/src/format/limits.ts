// A limits object in a line, for tables and summaries: "$500.00/month · 600 requests/min", or "None".
import type { Limits } from '../api/types';
import { formatInteger, formatUsd } from './format';

export function limitsSummary(limits: Limits): string {
  const parts: string[] = [];
  for (const period of ['day', 'month', 'total'] as const) {
    const amount = limits.costUsd[period];
    if (amount !== null) parts.push(period === 'total' ? `${formatUsd(amount)} in all` : `${formatUsd(amount)}/${period}`);
  }
  if (limits.requestsPerMinute !== null) parts.push(`${formatInteger(limits.requestsPerMinute)} requests/min`);
  if (limits.tokensPerMinute !== null) parts.push(`${formatInteger(limits.tokensPerMinute)} tokens/min`);
  return parts.length > 0 ? parts.join(' · ') : 'None';
}
