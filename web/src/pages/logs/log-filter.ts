// The Logs page's filters as they live in its URL (?customer=…&q=…&range=24h, or from=…&to=… for a custom range),
// and as the request log API takes them.
import type { LoggedEndpoint, RequestFilter } from '../../api/requests';

export const FILTER_NAMES = ['customer', 'key', 'model', 'provider', 'status', 'environment', 'endpoint', 'q'] as const;
export type FilterName = (typeof FILTER_NAMES)[number];

export const FILTER_LABELS: Record<FilterName, string> = {
  customer: 'Customer',
  key: 'API key',
  model: 'Model',
  provider: 'Provider',
  status: 'Status',
  environment: 'Environment',
  endpoint: 'Endpoint',
  q: 'Search',
};

export const ENDPOINTS = ['chat.completions', 'responses', 'messages', 'embeddings', 'flows.run'] as const;

export const PRESETS = [
  { name: '1h', label: 'Last hour', ms: 3_600_000 },
  { name: '24h', label: 'Last 24 hours', ms: 86_400_000 },
  { name: '7d', label: 'Last 7 days', ms: 7 * 86_400_000 },
  { name: '30d', label: 'Last 30 days', ms: 30 * 86_400_000 },
] as const;
export type PresetName = (typeof PRESETS)[number]['name'];
export const DEFAULT_PRESET: PresetName = '7d';

/** A preset ending now, or a custom range between two instants (either side may be open). */
export type LogRange = { kind: 'preset'; preset: PresetName } | { kind: 'custom'; from: string | null; to: string | null };

export function rangeOf(params: URLSearchParams): LogRange {
  const from = params.get('from');
  const to = params.get('to');
  if (from || to) return { kind: 'custom', from: from || null, to: to || null };
  const preset = PRESETS.find((candidate) => candidate.name === params.get('range'));
  return { kind: 'preset', preset: preset?.name ?? DEFAULT_PRESET };
}

/** The API's from/to for a range; a preset is counted back from `now`, and `to` left open so new requests show. */
export function rangeQuery(range: LogRange, now: number): Pick<RequestFilter, 'from' | 'to'> {
  if (range.kind === 'custom') return { ...(range.from ? { from: range.from } : {}), ...(range.to ? { to: range.to } : {}) };
  const preset = PRESETS.find((candidate) => candidate.name === range.preset) ?? PRESETS[1];
  return { from: new Date(now - preset.ms).toISOString() };
}

/** The filters of the URL that are set, trimmed, in a fixed order. */
export function activeFilters(params: URLSearchParams): Array<[FilterName, string]> {
  return FILTER_NAMES.flatMap((name) => {
    const value = params.get(name)?.trim();
    return value ? [[name, value] as [FilterName, string]] : [];
  });
}

/**
 * The URL's filters as the API's query. Values go as they are (an endpoint or status typed into the address bar
 * included): the API checks them and its 400 says what is wrong.
 */
export function filterQuery(params: URLSearchParams): Omit<RequestFilter, 'from' | 'to'> {
  const query: Omit<RequestFilter, 'from' | 'to'> = {};
  for (const [name, value] of activeFilters(params)) {
    if (name === 'status') query.status = /^\d+$/.test(value) ? Number(value) : (value as 'success' | 'error');
    else if (name === 'endpoint') query.endpoint = value as LoggedEndpoint;
    else query[name] = value;
  }
  return query;
}

export function statusLabel(status: string): string {
  if (status === 'success') return 'Succeeded';
  if (status === 'error') return 'Failed';
  return `HTTP ${status}`;
}
