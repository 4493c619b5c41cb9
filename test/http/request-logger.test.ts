// The per-request logger Fastify hands each request: a pino child bound to the request id, made on first use.
import { Writable } from 'node:stream';
import type { FastifyBaseLogger } from 'fastify';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/config/logger.js';
import { LazyRequestLogger } from '../../src/http/request-logger.js';

function capture(level: string) {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      callback();
    },
  });
  return { parent: createLogger(level, destination) as unknown as FastifyBaseLogger, lines };
}

describe('the per-request logger', () => {
  it('makes its child only when something is logged, bound to the request id, secrets censored as ever', () => {
    const { parent, lines } = capture('warn');
    let children = 0;
    const counting = Object.assign(Object.create(parent) as FastifyBaseLogger, {
      child: (...args: Parameters<FastifyBaseLogger['child']>) => {
        children++;
        return parent.child(...args);
      },
    });
    const logger = new LazyRequestLogger(counting, { reqId: 'req_1' }, {});
    expect(logger.level).toBe('warn');
    expect(children).toBe(0);
    logger.info('below the level: written nowhere');
    logger.error({ err: new Error('boom'), auth: { token: 'ps_secret' } }, 'failed');
    logger.warn('again');
    expect(children).toBe(1);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ reqId: 'req_1', msg: 'failed', err: { message: 'boom' }, auth: { token: '[redacted]' } });
    expect(lines[1]).toMatchObject({ reqId: 'req_1', msg: 'again' });
  });

  it("takes a route's own level", () => {
    const { parent, lines } = capture('info');
    const logger = new LazyRequestLogger(parent, { reqId: 'req_2' }, { level: 'error' });
    expect(logger.level).toBe('error');
    logger.warn('filtered by the route level');
    logger.error('kept');
    expect(lines.map((line) => line.msg)).toEqual(['kept']);
  });
});
