import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { DEAD_LETTER_FILE, DeadLetters } from '../../src/store/dead-letters.js';
import type { DeadLetterRepository } from '../../src/store/repositories/dead-letters.js';

const silent = pino({ level: 'silent' });

describe('dead letters', () => {
  it('go to an owner-only file when the database refuses the dead letter too, NUL bytes escaped', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'shuttle-dead-')), 'data');
    const refusing = { add: async () => Promise.reject(new Error('relation "dead_letters" does not exist')) };
    const deadLetters = new DeadLetters(refusing as unknown as DeadLetterRepository, dir, silent);
    const previous = process.umask(0);
    try {
      await deadLetters.setAside({
        kind: 'usage_event',
        record: { id: 'req_1', tenantId: 'ten_1', servedModel: 'gpt\u0000x', promptTokens: Number.POSITIVE_INFINITY },
        error: Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { code: '22021' }),
      });
    } finally {
      process.umask(previous);
    }
    const text = readFileSync(join(dir, DEAD_LETTER_FILE), 'utf8');
    expect(text).not.toContain('\u0000');
    const letter = JSON.parse(text);
    expect(letter).toMatchObject({ kind: 'usage_event', record_id: 'req_1', tenant_id: 'ten_1', error_code: '22021' });
    expect(JSON.parse(letter.payload)).toEqual({ id: 'req_1', tenantId: 'ten_1', servedModel: 'gpt\u0000x', promptTokens: 'Infinity' });
    expect((statSync(dir).mode & 0o777).toString(8)).toBe('700');
    expect((statSync(join(dir, DEAD_LETTER_FILE)).mode & 0o777).toString(8)).toBe('600');
    expect(deadLetters.counts.usage_event).toBe(1);
  });
});
