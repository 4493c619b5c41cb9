import { describe, expect, it } from 'vitest';
import { bucketOf, HISTOGRAM_SIZE, percentile } from '../../src/domain/latency-histogram.js';

function histogramOf(latencies: number[]): number[] {
  const counts = new Array<number>(HISTOGRAM_SIZE).fill(0);
  for (const ms of latencies) counts[bucketOf(ms)] = (counts[bucketOf(ms)] as number) + 1;
  return counts;
}

const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;

describe('latency percentiles', () => {
  it('are 0 when every request took 0 ms, as the average is', () => {
    const latencies = [0, 0, 0, 0, 0];
    expect(percentile(histogramOf(latencies), 0.5, mean(latencies))).toBe(0);
    expect(percentile(histogramOf(latencies), 0.95, mean(latencies))).toBe(0);
  });

  it('never exceed what the average allows: a median at most twice it, a p95 at most twenty times', () => {
    const latencies = [...new Array<number>(99).fill(0), 40];
    expect(percentile(histogramOf(latencies), 0.5, mean(latencies))).toBe(0);
  });

  it('centre on the average when every request falls in one bucket', () => {
    expect(percentile(histogramOf([1]), 0.5, 1)).toBe(1);
    expect(percentile(histogramOf([1]), 0.95, 1)).toBe(2);
    const latencies = [300, 310, 320];
    expect(percentile(histogramOf(latencies), 0.5, mean(latencies))).toBe(310);
  });

  it('are interpolated inside the bucket when the average allows it', () => {
    const latencies = [120, 130, 140, 700, 900];
    expect(percentile(histogramOf(latencies), 0.5, mean(latencies))).toBe(142);
    expect(percentile(histogramOf(latencies), 0.5)).toBe(142);
  });

  it('are null without requests', () => {
    expect(percentile(histogramOf([]), 0.5, undefined)).toBeNull();
  });
});
