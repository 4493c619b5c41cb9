// Decodes AWS's binary event stream (application/vnd.amazon.eventstream) incrementally as bytes arrive: each
// message is a prelude (total length, headers length, prelude CRC32), headers, a payload and a message CRC32.
import { crc32 } from 'node:zlib';

export type HeaderValue = string | number | boolean | Buffer;

export interface EventStreamMessage {
  headers: Record<string, HeaderValue>;
  payload: Buffer;
}

const PRELUDE_BYTES = 12;
const CRC_BYTES = 4;

export class EventStreamError extends Error {
  override name = 'EventStreamError';
}

/** Feed it chunks as they arrive; it returns every message completed so far and keeps the rest. */
export class EventStreamDecoder {
  private buffered: Buffer = Buffer.alloc(0);

  push(chunk: Uint8Array): EventStreamMessage[] {
    this.buffered = this.buffered.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.buffered, chunk]);
    const messages: EventStreamMessage[] = [];
    while (this.buffered.length >= PRELUDE_BYTES) {
      const totalLength = this.buffered.readUInt32BE(0);
      if (crc32(this.buffered.subarray(0, 8)) !== this.buffered.readUInt32BE(8)) throw new EventStreamError('prelude checksum mismatch');
      if (totalLength < PRELUDE_BYTES + CRC_BYTES) throw new EventStreamError(`impossible message length ${totalLength}`);
      if (this.buffered.length < totalLength) break;
      messages.push(decodeMessage(this.buffered.subarray(0, totalLength)));
      this.buffered = this.buffered.subarray(totalLength);
    }
    return messages;
  }

  /** Whether bytes of an unfinished message are left over (a stream cut short). */
  get pending(): boolean {
    return this.buffered.length > 0;
  }
}

function decodeMessage(message: Buffer): EventStreamMessage {
  const end = message.length - CRC_BYTES;
  if (crc32(message.subarray(0, end)) !== message.readUInt32BE(end)) throw new EventStreamError('message checksum mismatch');
  const headersEnd = PRELUDE_BYTES + message.readUInt32BE(4);
  if (headersEnd > end) throw new EventStreamError('headers overrun the message');
  return { headers: decodeHeaders(message.subarray(PRELUDE_BYTES, headersEnd)), payload: message.subarray(headersEnd, end) };
}

function decodeHeaders(bytes: Buffer): Record<string, HeaderValue> {
  const headers: Record<string, HeaderValue> = {};
  let at = 0;
  while (at < bytes.length) {
    const nameLength = bytes.readUInt8(at);
    const name = bytes.toString('utf8', at + 1, at + 1 + nameLength);
    at += 1 + nameLength;
    const type = bytes.readUInt8(at);
    at += 1;
    const [value, size] = decodeValue(bytes, at, type);
    headers[name] = value;
    at += size;
  }
  return headers;
}

/** A header value of the given type at `at`, and the bytes it takes. */
function decodeValue(bytes: Buffer, at: number, type: number): [HeaderValue, number] {
  switch (type) {
    case 0:
      return [true, 0];
    case 1:
      return [false, 0];
    case 2:
      return [bytes.readInt8(at), 1];
    case 3:
      return [bytes.readInt16BE(at), 2];
    case 4:
      return [bytes.readInt32BE(at), 4];
    case 5:
    case 8:
      // int64 and timestamp (epoch milliseconds).
      return [Number(bytes.readBigInt64BE(at)), 8];
    case 6:
    case 7: {
      const length = bytes.readUInt16BE(at);
      const value = bytes.subarray(at + 2, at + 2 + length);
      return [type === 7 ? value.toString('utf8') : Buffer.from(value), 2 + length];
    }
    case 9:
      return [bytes.subarray(at, at + 16).toString('hex'), 16];
    default:
      throw new EventStreamError(`unknown header value type ${type}`);
  }
}

export async function* readEventStream(body: AsyncIterable<Uint8Array>): AsyncGenerator<EventStreamMessage> {
  const decoder = new EventStreamDecoder();
  for await (const chunk of body) yield* decoder.push(chunk);
  if (decoder.pending) throw new EventStreamError('the stream ended in the middle of a message');
}
