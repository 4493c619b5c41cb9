// The dashboard's initial JavaScript — the entry script and the chunks index.html preloads — stays within
// 250 KB gzipped; Recharts and the pages load later, on demand (docs/dashboard.md has the figures).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { root } from '../../scripts/build-if-stale.mjs';

const dist = join(root, 'web', 'dist');
const gzipped = (path: string) => gzipSync(readFileSync(join(dist, path)), { level: 9 }).length;

describe('the dashboard bundle', () => {
  it('loads at most 250 KB of gzipped JavaScript before the first page shows', () => {
    const html = readFileSync(join(dist, 'index.html'), 'utf8');
    const initial = [...html.matchAll(/<(?:script[^>]*src|link[^>]*rel="modulepreload"[^>]*href)="\/([^"]+\.js)"/g)].map(
      (m) => m[1] as string,
    );
    expect(initial.length).toBeGreaterThan(0);
    const bytes = initial.reduce((sum, path) => sum + gzipped(path), 0);
    expect(bytes).toBeLessThanOrEqual(250 * 1024);
  });

  it('keeps Recharts out of the initial JavaScript', () => {
    const html = readFileSync(join(dist, 'index.html'), 'utf8');
    const initial = [...html.matchAll(/"\/(assets\/[^"]+\.js)"/g)].map((m) => readFileSync(join(dist, m[1] as string), 'utf8'));
    expect(initial.some((code) => code.includes('recharts-wrapper'))).toBe(false);
    const chunks = readdirSync(join(dist, 'assets')).filter((name) => name.endsWith('.js'));
    expect(chunks.some((name) => readFileSync(join(dist, 'assets', name), 'utf8').includes('recharts-wrapper'))).toBe(true);
  });
});
