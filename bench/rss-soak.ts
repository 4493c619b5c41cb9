// The long run that checks a gateway's memory stays flat: json at 32 connections, in rounds, RSS sampled throughout.
import { chatRequestBody } from './chat-request.js';
import type { LoadDriver } from './load-driver.js';
import { readCpuTimes } from './process-cpu.js';
import { type RssSample, RssSampler } from './rss-sampler.js';
import type { Target } from './target.js';

export interface SoakResult {
  requests: number;
  seconds: number;
  /** False when the time cap ended the soak before the requested number of requests. */
  complete: boolean;
  /**
   * Median RSS over the first and over the last tenth of the soak after its settling round (the heap grows to its
   * working size in the first seconds of sustained load): single readings swing with garbage collection.
   */
  startRssKb: number;
  endRssKb: number;
  changePct: number;
  /** Median and highest RSS and CPU per request during each round, by requests served so far in the soak. */
  rounds: { requests: number; rssKb: number; maxRssKb: number; cpuUsPerRequest: number | null }[];
  errors: number;
}

export interface SoakSpec {
  requests: number;
  maxSeconds: number;
  progress(line: string): void;
}

const MAX_ROUND_S = 20;
const SETTLING_S = 10;
const WINDOW = 0.1;

function medianKb(samples: readonly RssSample[]): number {
  const sorted = samples.map((sample) => sample.rssKb).sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

export async function runSoak(driver: LoadDriver, target: Target, spec: SoakSpec): Promise<SoakResult> {
  const rounds: SoakResult['rounds'] = [];
  let requests = 0;
  let seconds = 0;
  let errors = 0;
  let rate = 0;
  const sampler = new RssSampler(target);
  let roundStartMs = 0;
  while (requests < spec.requests && seconds < spec.maxSeconds) {
    // Size each round from the rate seen so far, so the soak ends close to the requested count.
    const wanted = rate === 0 ? SETTLING_S : Math.ceil((spec.requests - requests) / rate);
    const durationS = Math.max(2, Math.min(MAX_ROUND_S, wanted, Math.ceil(spec.maxSeconds - seconds)));
    const cpuBefore = readCpuTimes(target.pid);
    const result = await driver.run({
      url: target.url,
      headers: target.headers,
      headerVariants: target.headerVariants,
      body: chatRequestBody('json'),
      connections: 32,
      durationS,
    });
    requests += result.requests;
    seconds += result.durationS;
    errors += result.errors + result.non2xx;
    rate = requests / seconds;
    const cpuAfter = readCpuTimes(target.pid);
    // CPU per request round by round shows whether serving gets dearer as the usage table grows.
    const cpuUsPerRequest =
      cpuBefore && cpuAfter && result.requests > 0 ? ((cpuAfter.cpuMs - cpuBefore.cpuMs) * 1000) / result.requests : null;
    if (rounds.length === 0) {
      // The settling round: served and counted, but memory is measured from its end.
      rounds.push({ requests, rssKb: Number.NaN, maxRssKb: Number.NaN, cpuUsPerRequest });
      sampler.start();
      spec.progress(`soak: ${requests.toLocaleString('en-US')} requests (settling)`);
      continue;
    }
    const inRound = sampler.samplesSoFar().filter((sample) => sample.atMs >= roundStartMs);
    roundStartMs = inRound.at(-1)?.atMs ?? roundStartMs;
    const round = { requests, rssKb: medianKb(inRound), maxRssKb: Math.max(...inRound.map((sample) => sample.rssKb)), cpuUsPerRequest };
    rounds.push(round);
    const cpu = cpuUsPerRequest === null ? '' : `, ${Math.round(cpuUsPerRequest)} µs CPU/req`;
    spec.progress(
      `soak: ${requests.toLocaleString('en-US')} requests, RSS median ${(round.rssKb / 1024).toFixed(1)} MB, max ${(round.maxRssKb / 1024).toFixed(1)} MB${cpu}`,
    );
  }
  const { samples } = sampler.stop();
  const lastMs = samples.at(-1)?.atMs ?? 0;
  const startRssKb = medianKb(samples.filter((sample) => sample.atMs <= lastMs * WINDOW));
  const endRssKb = medianKb(samples.filter((sample) => sample.atMs >= lastMs * (1 - WINDOW)));
  return {
    requests,
    seconds,
    complete: requests >= spec.requests,
    startRssKb,
    endRssKb,
    changePct: ((endRssKb - startRssKb) / startRssKb) * 100,
    rounds,
    errors,
  };
}
