// Sends exactly --count chat requests over --connections keep-alive connections and waits for every answer: a window
// of work whose instructions can be counted (bench/instructions.sh), where wrk's fixed time would not be comparable.
import { readFileSync } from 'node:fs';
import { Pool } from 'undici';
import type { LoadSpec } from './load-driver.js';
import { integerArgument, isProcessEntry, stringArgument } from './process-entry.js';

export type FixedCountSpec = Pick<LoadSpec, 'url' | 'headers' | 'headerVariants' | 'body' | 'connections'> & {
  count: number;
};

/** Answers the number of requests whose status was not 200 (the body of each is read to its end). */
export async function sendFixedCount(spec: FixedCountSpec): Promise<number> {
  const url = new URL(spec.url);
  const pool = new Pool(url.origin, { connections: spec.connections, pipelining: 1 });
  let started = 0;
  let failed = 0;
  const connection = async (): Promise<void> => {
    while (started < spec.count) {
      const index = started++;
      const variant = spec.headerVariants.length === 0 ? {} : spec.headerVariants[index % spec.headerVariants.length];
      const response = await pool.request({
        path: url.pathname,
        method: 'POST',
        headers: { ...spec.headers, ...variant },
        body: spec.body,
      });
      if (response.statusCode !== 200) failed++;
      await response.body.text();
    }
  };
  try {
    await Promise.all(Array.from({ length: spec.connections }, connection));
  } finally {
    await pool.close();
  }
  return failed;
}

if (isProcessEntry(import.meta.url)) {
  const specFile = stringArgument('spec');
  if (specFile === undefined) throw new Error('--spec <file> is required (JSON: url, headers, headerVariants, body)');
  const spec = JSON.parse(readFileSync(specFile, 'utf8')) as Omit<FixedCountSpec, 'count' | 'connections'>;
  const failed = await sendFixedCount({ ...spec, count: integerArgument('count', 1000), connections: integerArgument('connections', 8) });
  if (failed > 0) {
    process.stderr.write(`${failed} requests did not answer 200\n`);
    process.exit(1);
  }
}
