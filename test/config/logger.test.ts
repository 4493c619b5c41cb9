import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/config/logger.js';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      callback();
    },
  });
  return { logger: createLogger('info', destination), lines, text: () => JSON.stringify(lines) };
}

describe('the logger', () => {
  it('censors secret fields at the top of a line, one level down, and in req.headers', () => {
    const { logger, lines, text } = capture();
    logger.info(
      {
        token: 'ps_top_level_secret',
        headers: { authorization: 'Bearer ps_header_secret', accept: 'application/json' },
        body: { apiKey: 'sk-body-secret', password: 'hunter2 secret', secret: 's3cret', masterKey: 'ps_master', model: 'gpt-4o' },
        req: { method: 'POST', headers: { authorization: 'Bearer ps_request_secret', host: 'example.com' } },
        status: 200,
      },
      'request',
    );
    expect(text()).not.toMatch(/ps_top_level_secret|ps_header_secret|sk-body-secret|hunter2|s3cret|ps_master|ps_request_secret/);
    expect(lines[0]).toMatchObject({
      msg: 'request',
      token: '[redacted]',
      headers: { authorization: '[redacted]', accept: 'application/json' },
      body: { apiKey: '[redacted]', password: '[redacted]', secret: '[redacted]', masterKey: '[redacted]', model: 'gpt-4o' },
      req: { method: 'POST', headers: { authorization: '[redacted]', host: 'example.com' } },
      status: 200,
    });
  });

  it('leaves the logged objects themselves untouched', () => {
    const { logger } = capture();
    const headers = { authorization: 'Bearer ps_secret' };
    logger.info({ headers }, 'line');
    expect(headers.authorization).toBe('Bearer ps_secret');
  });

  it("censors what a child logger (Fastify's per-request one) logs", () => {
    const { logger, lines, text } = capture();
    logger.child({ reqId: 'req_1' }).warn({ auth: { token: 'ps_child_secret' } }, 'from a child');
    expect(text()).not.toContain('ps_child_secret');
    expect(lines[0]).toMatchObject({ reqId: 'req_1', auth: { token: '[redacted]' }, msg: 'from a child' });
  });

  it('keeps an error’s message and stack, and censors secret fields on it', () => {
    const { logger, lines, text } = capture();
    const error = Object.assign(new Error('upstream refused'), { token: 'ps_error_secret', code: 'E_UPSTREAM' });
    logger.error({ err: error }, 'failed');
    expect(text()).not.toContain('ps_error_secret');
    const logged = lines[0]?.err as Record<string, unknown>;
    expect(logged).toMatchObject({ type: 'Error', message: 'upstream refused', code: 'E_UPSTREAM', token: '[redacted]' });
    expect(logged.stack).toContain('upstream refused');
  });
});
