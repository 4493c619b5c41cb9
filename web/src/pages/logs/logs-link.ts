// A link to the Logs page showing some requests: what usage rows and the customer page point to. (Its own module,
// so the pages that link here don't load the Logs page's code.)

/** The names are the Logs page's URL parameters: filters, `range` (a preset) or `from`/`to`. Empty values are left out. */
export function logsLink(filters: Record<string, string | number | null | undefined>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(filters))
    if (value !== null && value !== undefined && value !== '') params.set(name, String(value));
  const query = params.toString();
  return query ? `/logs?${query}` : '/logs';
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A UTC day (2026-11-03) or an hour (ISO) as the from/to of its requests, the end exclusive as the APIs take it. */
export function bucketRange(bucket: { day?: string | null; hour?: string | null }): { from: string; to: string } | null {
  if (bucket.day) {
    const start = Date.parse(`${bucket.day}T00:00:00Z`);
    return { from: bucket.day, to: new Date(start + DAY).toISOString().slice(0, 10) };
  }
  if (bucket.hour) {
    const start = Date.parse(bucket.hour);
    return { from: new Date(start).toISOString(), to: new Date(start + HOUR).toISOString() };
  }
  return null;
}
