// The request log's bodies, compressed a batch at a time: the bodies of one tenant's entries in a batch are put one
// after another in a block, compressed once (brotli at its fastest), and each entry keeps a reference to its place
// in the block. One body alone shrinks little and costs a compressor's set-up every time (gzip: 16 µs for 1 KB); a
// block of a tenant's bodies, which share most of their text (their JSON, their system prompt), shrinks several
// times for well under a microsecond an entry: the log takes a third of the disk (docs/benchmarks.md). A body of
// BLOCK_ALONE_BYTES or more is gzipped alone, so that reading an entry never means unpacking much more than it.
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { brotliCompressSync, brotliDecompress, constants, gunzip, gzipSync } from 'node:zlib';

/** A block as stored: its tenant, the newest of its entries (retention), and its bodies compressed. */
export interface BodyBlockRow {
  id: string;
  tenant_id: string;
  created_at: number;
  data: Uint8Array;
}

/** Bodies this long or longer are stored alone (gzipped), not in a block. */
export const BLOCK_ALONE_BYTES = 64 * 1024;
// A fast level: bodies are mostly JSON text, which even level 1 shrinks several times.
const GZIP = { level: 1 };
/** A block holds about this many bytes of bodies at most: reading an entry unpacks its block. */
const BLOCK_MAX_BYTES = 1024 * 1024;

// A reference starts with STX: neither JSON text (a body kept as it is), gzip's magic bytes nor a stored stream's mark
// (U+001E) start with it. Then the block's id, the body's offset and its length in bytes.
const REFERENCE_MARK = 0x02;
const REFERENCE = /^([A-Za-z0-9_-]{16}) (\d+) (\d+)$/;

export interface BodyReference {
  block: string;
  offset: number;
  length: number;
}

/** The reference a stored body holds, if it is one. */
export function bodyReference(stored: Uint8Array): BodyReference | undefined {
  if (stored[0] !== REFERENCE_MARK || stored.length > 64) return undefined;
  const match = REFERENCE.exec(Buffer.from(stored.buffer, stored.byteOffset + 1, stored.byteLength - 1).toString('latin1'));
  if (match === null) return undefined;
  return { block: match[1] as string, offset: Number(match[2]), length: Number(match[3]) };
}

/**
 * A body to store: its UTF-8 bytes (as they crossed to the writer thread, or encoded there), after a head of ASCII when
 * it has one. Kept apart, the two are written one after the other into the block: joined, the body would be copied
 * whole once more.
 */
export interface BodyText {
  head?: string | undefined;
  data: Uint8Array;
}

/** How many bytes a body is stored as: its head and its data. */
export function bodyBytes({ head, data }: BodyText): number {
  return (head?.length ?? 0) + data.byteLength;
}

/** A row's bodies as their texts, until its sink stores them (storeBodiesInBlocks()) in its body columns. */
export interface RowBodies {
  request: BodyText | null;
  response: BodyText | null;
}

/** What blocks are made of: a request log row (RequestLogRow) with its tenant, its time and its bodies. */
interface EntryWithBodies {
  row: { tenant_id: string; created_at: number; request_body?: Uint8Array | null; response_body?: Uint8Array | null };
  bodies?: RowBodies | undefined;
}

interface OpenBlock {
  row: Omit<BodyBlockRow, 'data'>;
  bodies: BodyText[];
  bytes: number;
}

/**
 * Stores the rows' bodies: each short body's reference in its tenant's block set in its row's column, a long one
 * gzipped alone. Answers the blocks, to insert with the rows in the same transaction. A block's bodies are written
 * straight into its buffer, from their bytes: no buffer of their own for each, nor a copy of them all to join.
 */
export function storeBodiesInBlocks(rows: readonly EntryWithBodies[]): BodyBlockRow[] {
  const open = new Map<string, OpenBlock>();
  const done: OpenBlock[] = [];
  const place = (tenantId: string, createdAt: number, body: BodyText): Uint8Array => {
    const bytes = bodyBytes(body);
    if (bytes >= BLOCK_ALONE_BYTES) return gzipSync(Buffer.concat([Buffer.from(body.head ?? '', 'latin1'), body.data]), GZIP);
    let block = open.get(tenantId);
    if (block === undefined || block.bytes + bytes > BLOCK_MAX_BYTES) {
      if (block !== undefined) done.push(block);
      block = { row: { id: randomBytes(12).toString('base64url'), tenant_id: tenantId, created_at: createdAt }, bodies: [], bytes: 0 };
      open.set(tenantId, block);
    }
    const reference = Buffer.from(`\u0002${block.row.id} ${block.bytes} ${bytes}`, 'latin1');
    block.bodies.push(body);
    block.bytes += bytes;
    if (createdAt > block.row.created_at) block.row.created_at = createdAt;
    return reference;
  };
  for (const { row, bodies } of rows) {
    if (bodies === undefined) continue;
    const createdAt = Number(row.created_at);
    if (bodies.request !== null) row.request_body = place(row.tenant_id, createdAt, bodies.request);
    if (bodies.response !== null) row.response_body = place(row.tenant_id, createdAt, bodies.response);
  }
  done.push(...open.values());
  return done.map(({ row, bodies, bytes }) => ({ ...row, data: compressedBlock(bodies, bytes) }));
}

/** The bodies (and their heads) one after another, `bytes` in all, compressed. */
function compressedBlock(bodies: readonly BodyText[], bytes: number): Buffer {
  const joined = Buffer.allocUnsafe(bytes);
  let at = 0;
  for (const { head, data } of bodies) {
    if (head !== undefined) at += joined.write(head, at, 'latin1');
    joined.set(data, at);
    at += data.byteLength;
  }
  if (at !== bytes) throw new Error(`a block's bodies are ${at} bytes, not the ${bytes} they were counted as`);
  return brotliCompressSync(joined, { params: { [constants.BROTLI_PARAM_QUALITY]: 0, [constants.BROTLI_PARAM_SIZE_HINT]: bytes } });
}

const brotliDecompressAsync = promisify(brotliDecompress);
const gunzipAsync = promisify(gunzip);

/** A block's bodies, unpacked off the event loop (in libuv's pool). */
export async function unpackBlock(data: Uint8Array): Promise<Buffer> {
  return await brotliDecompressAsync(data);
}

/**
 * A stored body's text: from its block (`block` finds a block's bodies by id, within the entry's tenant), gunzipped, or
 * kept as it was. A reference whose block is gone (its entries expired meanwhile) reads as undefined.
 */
export async function storedBodyText(stored: Uint8Array, block: (id: string) => Promise<Buffer | undefined>): Promise<string | undefined> {
  const reference = bodyReference(stored);
  if (reference !== undefined) {
    const bodies = await block(reference.block);
    return bodies?.subarray(reference.offset, reference.offset + reference.length).toString('utf8');
  }
  if (stored[0] === 0x1f && stored[1] === 0x8b) return (await gunzipAsync(stored)).toString('utf8');
  return Buffer.from(stored.buffer, stored.byteOffset, stored.byteLength).toString('utf8');
}
