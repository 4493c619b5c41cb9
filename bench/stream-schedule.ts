// The contract between the fake upstream's scheduled streams and the stream load client: every chunk's id carries the
// wall-clock time (ms since the epoch, to the microsecond) it was scheduled to be sent, so that the client can tell
// how late each chunk arrived. Both run on the same machine, so they read the same clock.

const PREFIX = 'chatcmpl-at-';
const SCHEDULED_AT = /"id":"chatcmpl-at-(\d+\.\d+)"/;

/** Wall-clock time in milliseconds with sub-millisecond precision; comparable between processes on one machine. */
export function wallClockMs(): number {
  return performance.timeOrigin + performance.now();
}

export function scheduledChunkId(atMs: number): string {
  return `${PREFIX}${atMs.toFixed(3)}`;
}

/** The scheduled send time carried by one SSE event's data, or undefined for events without one ([DONE]). */
export function scheduledAtOf(event: string): number | undefined {
  const match = SCHEDULED_AT.exec(event);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

/** When the k-th of a stream's sends is due: k = 0 right away, then one interval after another. */
export function sendTimes(startMs: number, chunks: number, intervalMs: number): number[] {
  // chunks content chunks, then the closing send (finish reason, usage, [DONE]) one interval after the last.
  return Array.from({ length: chunks + 1 }, (_, k) => startMs + k * intervalMs);
}
