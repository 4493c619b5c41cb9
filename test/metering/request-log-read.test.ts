// Reading an entry back: a stream's answer, stored packed, is reassembled; a request body is the client's own text,
// never read as a stored stream, whatever it starts with.
import { describe, expect, it } from 'vitest';
import { assembleChatCompletion } from '../../src/domain/logged-answer.js';
import { type PackedEvents, packEvents } from '../../src/domain/packed-stream.js';
import { RequestLog } from '../../src/metering/request-log.js';
import type { RequestLogRepository, StoredRequestLogEntry } from '../../src/store/repositories/request-log.js';
import { storedStreamText } from '../../src/store/stored-stream.js';

describe('reading a request log entry', () => {
  it('reassembles a stored stream in the answer, and leaves a request body that looks like one as its text', async () => {
    const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
      JSON.stringify({
        id: 'c1',
        object: 'chat.completion.chunk',
        created: 1,
        model: 'm',
        choices: [{ index: 0, delta, finish_reason: finish }],
      });
    const events = [chunk({ role: 'assistant', content: '' }), chunk({ content: 'Hel' }), chunk({ content: 'lo' }), chunk({}, 'stop')].map(
      (data) => ({ data }),
    );
    const stored = storedStreamText(packEvents(events) as PackedEvents);
    const row = {
      id: 'req_1',
      created_at: 1,
      status: 200,
      attempts: '[]',
      metadata: null,
      level: 'full',
      request_body: Buffer.from(stored),
      request_truncated: 0,
      request_bytes: Buffer.byteLength(stored),
      response_body: Buffer.from(stored),
      response_truncated: 0,
      response_bytes: Buffer.byteLength(stored),
    } as unknown as StoredRequestLogEntry;
    const entries = { find: async () => row } as unknown as RequestLogRepository;
    const entry = await new RequestLog({ record: () => undefined }, entries).get('ten_1', 'req_1');
    const answer = assembleChatCompletion(events);
    expect(entry.response).toEqual({ body: answer, truncated: false, bytes: Buffer.byteLength(JSON.stringify(answer)) });
    expect(entry.response?.body).toMatchObject({ choices: [{ message: { content: 'Hello' }, finish_reason: 'stop' }] });
    expect(entry.request).toEqual({ body: stored, truncated: false, bytes: Buffer.byteLength(stored) });
  });
});
