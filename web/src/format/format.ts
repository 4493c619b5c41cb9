// Numbers, money and dates for people: the browser's locale, USD with the precision the amount needs.
const locale = typeof navigator === 'undefined' ? undefined : navigator.language;

const integer = new Intl.NumberFormat(locale);
const compact = new Intl.NumberFormat(locale, { notation: 'compact', maximumFractionDigits: 1 });
const percent = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 });
const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
const dateTimeSeconds = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'medium' });
const dateOnly = new Intl.DateTimeFormat(locale, { dateStyle: 'medium' });
const dayShort = new Intl.DateTimeFormat(locale, { month: 'short', day: 'numeric', timeZone: 'UTC' });
const hourShort = new Intl.DateTimeFormat(locale, { hour: 'numeric', minute: '2-digit' });
const relative = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });

/** Cents from ten cents up ($1,234.56, $0.46); below, enough digits to tell small amounts apart ($0.0042, $0.000018). */
export function formatUsd(amount: number): string {
  if (amount === 0) return '$0.00';
  const abs = Math.abs(amount);
  const digits = abs >= 0.1 ? 2 : abs >= 0.001 ? 4 : 6;
  return new Intl.NumberFormat(locale, {
    style: 'currency',
    currency: 'USD',
    minimumFractionDigits: 2,
    maximumFractionDigits: digits,
  }).format(amount);
}

export function formatInteger(value: number): string {
  return integer.format(value);
}

export function formatCompact(value: number): string {
  return value < 10_000 ? integer.format(value) : compact.format(value);
}

export function formatPercent(ratio: number): string {
  return percent.format(ratio);
}

export function formatDateTime(iso: string | null | undefined): string {
  return iso ? dateTime.format(new Date(iso)) : '—';
}

/** With seconds, for logs where several entries share a minute. */
export function formatDateTimeSeconds(iso: string | null | undefined): string {
  return iso ? dateTimeSeconds.format(new Date(iso)) : '—';
}

const timeSeconds = new Intl.DateTimeFormat(locale, { timeStyle: 'medium' });
const monthDayTime = new Intl.DateTimeFormat(locale, {
  month: 'short',
  day: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
  second: '2-digit',
});

/** For a list of log entries: the time alone today, the day and time this year, the full date before. */
export function formatLogTime(iso: string, now = new Date()): string {
  const date = new Date(iso);
  if (date.toDateString() === now.toDateString()) return timeSeconds.format(date);
  if (date.getFullYear() === now.getFullYear()) return monthDayTime.format(date);
  return dateTimeSeconds.format(date);
}

export function formatDate(iso: string | null | undefined): string {
  return iso ? dateOnly.format(new Date(iso)) : '—';
}

/** An axis label: "Nov 3" for a UTC day (2026-11-03), "14:00" for an hour. */
export function formatBucket(bucket: string): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(bucket)) return dayShort.format(new Date(`${bucket}T00:00:00Z`));
  return hourShort.format(new Date(bucket));
}

/** "3 minutes ago", "yesterday", or the date when it is long ago. */
export function formatRelative(iso: string | null | undefined): string {
  if (!iso) return 'Never';
  const seconds = (Date.parse(iso) - Date.now()) / 1000;
  const abs = Math.abs(seconds);
  if (abs < 45) return 'Just now';
  if (abs < 3600) return relative.format(Math.round(seconds / 60), 'minute');
  if (abs < 86_400) return relative.format(Math.round(seconds / 3600), 'hour');
  if (abs < 30 * 86_400) return relative.format(Math.round(seconds / 86_400), 'day');
  return dateOnly.format(new Date(iso));
}

/** "15 minutes", "45 seconds", "2 hours" — for Retry-After. */
export function formatDuration(seconds: number): string {
  const unit = (value: number, name: string) => `${value} ${name}${value === 1 ? '' : 's'}`;
  if (seconds < 60) return unit(Math.max(1, Math.ceil(seconds)), 'second');
  if (seconds < 3600) return unit(Math.ceil(seconds / 60), 'minute');
  return unit(Math.ceil(seconds / 3600), 'hour');
}

export function formatMs(ms: number | null): string {
  if (ms === null) return '—';
  return ms >= 1000 ? `${(ms / 1000).toFixed(ms >= 10_000 ? 0 : 1)} s` : `${Math.round(ms)} ms`;
}
