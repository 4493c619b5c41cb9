// How a time chart labels its buckets: hours over several days need their date ("Dec 3, 2:00 PM"), hours within
// one day the hour alone ("2:00 PM"), days their date ("Dec 3").
import { formatBucket } from '../format/format';

const hourWithDate = new Intl.DateTimeFormat(typeof navigator === 'undefined' ? undefined : navigator.language, {
  month: 'short',
  day: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
});

export function bucketFormatter(buckets: readonly string[]): (bucket: string) => string {
  const hours = buckets.filter((bucket) => bucket.includes('T'));
  const days = new Set(hours.map((bucket) => new Date(bucket).toDateString()));
  if (days.size <= 1) return formatBucket;
  return (bucket) => (bucket.includes('T') ? hourWithDate.format(new Date(bucket)) : formatBucket(bucket));
}
