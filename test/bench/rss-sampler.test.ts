import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { RssSampler, readMemory } from '../../bench/rss-sampler.js';

// A target restarted between rounds (`npm run bench`'s level pair) is a new process: its memory is sampled from then on.
describe('RSS sampling of a target', () => {
  const children: ChildProcess[] = [];
  const start = async (): Promise<ChildProcess> => {
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    children.push(child);
    await once(child, 'spawn');
    return child;
  };

  afterEach(() => {
    for (const child of children.splice(0)) child.kill('SIGKILL');
  });

  it('follows the target to its new process', async () => {
    const first = await start();
    const target = { pid: first.pid as number };
    const sampler = new RssSampler(target, 10_000);
    sampler.start();
    first.kill('SIGKILL');
    await once(first, 'exit');
    const second = await start();
    target.pid = second.pid as number;
    const { samples } = sampler.stop();
    expect(samples).toHaveLength(2);
    expect(readMemory(target.pid)).toBeDefined();
    expect(samples[1]?.rssKb).toBeGreaterThan(0);
  });
});
