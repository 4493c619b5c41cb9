import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { EventStreamDecoder, EventStreamError, readEventStream } from '../../src/gateway/providers/bedrock/event-stream.js';
import { encodeEventMessage } from '../helpers/event-stream-frames.js';

// Frames from AWS's own event-stream library tests (awslabs/aws-c-event-stream, message_deserializer_test.c).
const EMPTY = Buffer.from([0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x05, 0xc2, 0x48, 0xeb, 0x7d, 0x98, 0xc8, 0xff]);
const PAYLOAD_ONLY = Buffer.from([
  0x00,
  0x00,
  0x00,
  0x1d,
  0x00,
  0x00,
  0x00,
  0x00,
  0xfd,
  0x52,
  0x8c,
  0x5a,
  ...Buffer.from("{'foo':'bar'}"),
  0xc3,
  0x65,
  0x39,
  0x36,
]);
const ONE_HEADER = Buffer.from([
  0x00,
  0x00,
  0x00,
  0x3d,
  0x00,
  0x00,
  0x00,
  0x20,
  0x07,
  0xfd,
  0x83,
  0x96,
  0x0c,
  ...Buffer.from('content-type'),
  0x07,
  0x00,
  0x10,
  ...Buffer.from('application/json'),
  ...Buffer.from("{'foo':'bar'}"),
  0x8d,
  0x9c,
  0x08,
  0xb1,
]);

async function* chunks(...parts: Buffer[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield part;
}

describe('event-stream decoding', () => {
  it('decodes AWS’s published example frames', () => {
    const decoder = new EventStreamDecoder();
    expect(decoder.push(EMPTY)).toEqual([{ headers: {}, payload: Buffer.alloc(0) }]);
    expect(decoder.push(PAYLOAD_ONLY)).toEqual([{ headers: {}, payload: Buffer.from("{'foo':'bar'}") }]);
    expect(decoder.push(ONE_HEADER)).toEqual([{ headers: { 'content-type': 'application/json' }, payload: Buffer.from("{'foo':'bar'}") }]);
  });

  it('decodes messages as their bytes arrive, one byte at a time or several messages at once', () => {
    const first = encodeEventMessage({ ':event-type': 'messageStart' }, '{"role":"assistant"}');
    const second = encodeEventMessage({ ':event-type': 'messageStop' }, '{"stopReason":"end_turn"}');
    const bytes = Buffer.concat([first, second]);
    const decoder = new EventStreamDecoder();
    const decoded = [...bytes].flatMap((byte) => decoder.push(Uint8Array.of(byte)));
    expect(decoded.map((message) => message.headers[':event-type'])).toEqual(['messageStart', 'messageStop']);
    expect(decoded[1]?.payload.toString()).toBe('{"stopReason":"end_turn"}');
    expect(new EventStreamDecoder().push(bytes)).toHaveLength(2);
  });

  it('reads headers of every value type', () => {
    const headers = Buffer.concat([
      Buffer.from([4, ...Buffer.from('flag'), 0]),
      Buffer.from([3, ...Buffer.from('int'), 4, 0x00, 0x00, 0x01, 0x00]),
      Buffer.from([4, ...Buffer.from('time'), 8, 0x00, 0x00, 0x01, 0x90, 0x00, 0x00, 0x00, 0x00]),
      Buffer.from([4, ...Buffer.from('uuid'), 9, ...Buffer.alloc(16, 0xab)]),
      Buffer.from([4, ...Buffer.from('name'), 7, 0x00, 0x02, ...Buffer.from('ok')]),
    ]);
    const message = Buffer.alloc(12 + headers.length + 4);
    message.writeUInt32BE(message.length, 0);
    message.writeUInt32BE(headers.length, 4);
    message.writeUInt32BE(crc32(message.subarray(0, 8)), 8);
    headers.copy(message, 12);
    message.writeUInt32BE(crc32(message.subarray(0, message.length - 4)), message.length - 4);
    expect(new EventStreamDecoder().push(message)[0]?.headers).toEqual({
      flag: true,
      int: 256,
      time: 0x0190_0000_0000,
      uuid: 'ab'.repeat(16),
      name: 'ok',
    });
  });

  it('refuses corrupted messages and a stream cut in the middle of one', async () => {
    const corrupt = Buffer.from(PAYLOAD_ONLY);
    corrupt[15] = 0x00;
    expect(() => new EventStreamDecoder().push(corrupt)).toThrow(EventStreamError);
    const badPrelude = Buffer.from(EMPTY);
    badPrelude[3] = 0x11;
    expect(() => new EventStreamDecoder().push(badPrelude)).toThrow(/prelude checksum/);
    const read = async () => {
      for await (const _ of readEventStream(chunks(ONE_HEADER.subarray(0, 20)))) {
        // nothing to decode
      }
    };
    await expect(read()).rejects.toThrow(/ended in the middle/);
  });
});
