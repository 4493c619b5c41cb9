// Encodes AWS event-stream messages (prelude, string headers, payload, CRC32s) so that a fake Bedrock can answer
// ConverseStream requests the way Bedrock does.
import { crc32 } from 'node:zlib';

export function encodeEventMessage(headers: Record<string, string>, payload: string): Buffer {
  const headerBytes = Buffer.concat(
    Object.entries(headers).map(([name, value]) => {
      const nameBytes = Buffer.from(name, 'utf8');
      const valueBytes = Buffer.from(value, 'utf8');
      const header = Buffer.alloc(1 + nameBytes.length + 1 + 2 + valueBytes.length);
      header.writeUInt8(nameBytes.length, 0);
      nameBytes.copy(header, 1);
      header.writeUInt8(7, 1 + nameBytes.length);
      header.writeUInt16BE(valueBytes.length, 2 + nameBytes.length);
      valueBytes.copy(header, 4 + nameBytes.length);
      return header;
    }),
  );
  const payloadBytes = Buffer.from(payload, 'utf8');
  const total = 12 + headerBytes.length + payloadBytes.length + 4;
  const message = Buffer.alloc(total);
  message.writeUInt32BE(total, 0);
  message.writeUInt32BE(headerBytes.length, 4);
  message.writeUInt32BE(crc32(message.subarray(0, 8)), 8);
  headerBytes.copy(message, 12);
  payloadBytes.copy(message, 12 + headerBytes.length);
  message.writeUInt32BE(crc32(message.subarray(0, total - 4)), total - 4);
  return message;
}

/** One ConverseStream event, e.g. `converseEvent('contentBlockDelta', {contentBlockIndex: 0, delta: {text: 'Hi'}})`. */
export function converseEvent(type: string, body: Record<string, unknown>): Buffer {
  // Bedrock pads event payloads with a `p` field of varying length.
  return encodeEventMessage(
    { ':event-type': type, ':content-type': 'application/json', ':message-type': 'event' },
    JSON.stringify({ ...body, p: 'abcdefgh' }),
  );
}

export function converseException(type: string, message: string): Buffer {
  return encodeEventMessage(
    { ':exception-type': type, ':content-type': 'application/json', ':message-type': 'exception' },
    JSON.stringify({ message }),
  );
}
