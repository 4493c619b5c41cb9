// A request log entry as its row: its bodies compressed a batch at a time in blocks, a long one gzipped alone (and
// read back either way), streams reassembled — Anthropic's tool_use input included — and the search text and preview found in either dialect.
import { describe, expect, it } from 'vitest';
import {
  answerJson,
  assembleAnthropicMessage,
  assembleChatCompletion,
  promptPreview,
  searchableJsonText,
  searchableText,
  streamSearchText,
} from '../../src/domain/logged-answer.js';
import {
  forEachPacked,
  namedEvents,
  type PackedEvents,
  type PackedKind,
  packEvents,
  type StreamEvent,
  unpackEvents,
} from '../../src/domain/packed-stream.js';
import { type CapturedAnswer, packAnswer } from '../../src/domain/request-log-entry.js';
import {
  BLOCK_ALONE_BYTES,
  type BodyText,
  bodyBytes,
  bodyReference,
  storeBodiesInBlocks,
  storedBodyText,
  unpackBlock,
} from '../../src/store/body-blocks.js';
import type { RequestLogRow } from '../../src/store/repositories/request-log.js';
import { fromValues, toValues, type UsageEvent } from '../../src/store/repositories/usage-events.js';
import {
  frameRecords,
  type ReceivedAnswer,
  type RequestLogRecord,
  requestLogRow,
  unframeRecords,
} from '../../src/store/request-log-record.js';
import { parseStoredStream, storedStreamText } from '../../src/store/stored-stream.js';

/** A body as requestLogRow() leaves it for its sink to store: its head and its bytes, as text. */
function bodyText(logged: RequestLogRow, which: 'request' | 'response'): string {
  const body = logged.bodies?.[which];
  if (!body) throw new Error(`no ${which} body`);
  const text = (body.head ?? '') + Buffer.from(body.data).toString('utf8');
  expect(bodyBytes(body)).toBe(Buffer.byteLength(text));
  return text;
}

/** An answer as the writer thread receives it (unframeRecords()): its texts as their UTF-8 bytes. */
function received(answer: CapturedAnswer | null): ReceivedAnswer | null {
  if (answer === null || answer.kind === 'object' || answer.kind === 'events') return answer;
  if (answer.kind === 'json') return { kind: 'json', data: Buffer.from(answer.text) };
  return { kind: 'packed-events', data: Buffer.from(answer.text), cut: answer.cut };
}

const event = {
  id: 'req_1',
  tenantId: 'ten_1',
  keyId: null,
  customerId: null,
  environment: 'production',
  endpoint: 'messages',
  requestedModel: 'anthropic/claude',
  provider: 'anthropic',
  servedModel: 'claude',
  promptTokens: 1,
  completionTokens: 1,
  cachedTokens: 0,
  costMicros: 0,
  latencyMs: 1,
  upstreamMs: 1,
  ttftMs: null,
  streamed: true,
  status: 200,
  errorCode: null,
  createdAt: 1,
};

/** Events packed: every test stream here can be. */
function pack(events: readonly StreamEvent[]): PackedEvents {
  const packed = packEvents(events);
  if (packed === undefined) throw new Error('not packed');
  return packed;
}

/** How each event of a packed stream was packed. */
function kindsOf(packed: PackedEvents): PackedKind[] {
  const kinds: PackedKind[] = [];
  forEachPacked(packed, (_data, kind) => kinds.push(kind));
  return kinds;
}

/** A repeatable pseudo-random number in [0, 1), and a pick from a list made with it. */
function seeded(start: number): { random: () => number; pick: <T>(items: readonly T[]) => T } {
  let seed = start;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  return { random, pick: (items) => items[Math.floor(random() * items.length)] as (typeof items)[number] };
}

describe('request log rows', () => {
  it("puts a batch's short bodies in a block per tenant, gzips a long one alone, and reads each back", async () => {
    const request = (text: string, tenantId: string, createdAt: number) =>
      requestLogRow(
        {
          event: { ...event, tenantId, createdAt },
          level: 'full',
          attempts: [],
          metadata: null,
          request: text,
          prompt: null,
          answer: null,
        },
        1024 * 1024,
      );
    const long = JSON.stringify({ text: 'words '.repeat(BLOCK_ALONE_BYTES) });
    const entries = [
      request('{"a":"é 😀"}', 'ten_1', 10),
      request('{"b":2}', 'ten_2', 11),
      request(long, 'ten_1', 12),
      request('{"a":"again"}', 'ten_1', 13),
    ];
    const blocks = storeBodiesInBlocks(entries);
    // One block per tenant, as new as its newest entry; the long body is in none.
    expect(blocks.map(({ tenant_id, created_at }) => [tenant_id, created_at])).toEqual([
      ['ten_1', 13],
      ['ten_2', 11],
    ]);
    const [first, second, third, fourth] = entries.map(({ row }) => row.request_body as Uint8Array);
    expect([first, second, fourth].map((stored) => bodyReference(stored as Uint8Array)?.block)).toEqual([
      blocks[0]?.id,
      blocks[1]?.id,
      blocks[0]?.id,
    ]);
    expect([third?.[0], third?.[1]]).toEqual([0x1f, 0x8b]);
    expect(third?.length).toBeLessThan(long.length / 10);
    const byId = new Map(blocks.map((block) => [block.id, block.data]));
    const read = async (stored: Uint8Array | undefined) =>
      storedBodyText(stored as Uint8Array, async (id) => {
        const data = byId.get(id);
        return data === undefined ? undefined : unpackBlock(data);
      });
    expect(await Promise.all([first, second, third, fourth].map(read))).toEqual(['{"a":"é 😀"}', '{"b":2}', long, '{"a":"again"}']);
    // A stream's answer is its head and its packed events, written one after the other: in a block, or gzipped alone.
    const streamed = (content: string) => {
      const chunk = (delta: unknown) => ({
        data: JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', choices: [{ index: 0, delta }] }),
      });
      const events = [chunk({ role: 'assistant', content: '' }), chunk({ content }), chunk({ content: ' é 😀' }), chunk({ content: '!' })];
      const logged = requestLogRow(
        { event, level: 'full', attempts: [], metadata: null, request: null, answer: { kind: 'events', events } },
        1024 * 1024,
      );
      expect(logged.bodies?.response?.head?.startsWith('\u001e')).toBe(true);
      return { logged, stored: storedStreamText(pack(events)) };
    };
    const streams = [streamed('Hello'), streamed('words '.repeat(BLOCK_ALONE_BYTES / 4))];
    const streamBlocks = storeBodiesInBlocks(streams.map(({ logged }) => logged));
    for (const block of streamBlocks) byId.set(block.id, block.data);
    const [shortStream, longStream] = streams.map(({ logged }) => logged.row.response_body as Uint8Array);
    expect(bodyReference(shortStream as Uint8Array)?.block).toBe(streamBlocks[0]?.id);
    expect([longStream?.[0], longStream?.[1]]).toEqual([0x1f, 0x8b]);
    expect(await Promise.all([shortStream, longStream].map(read))).toEqual(streams.map(({ stored }) => stored));
    // A block gone (expired meanwhile) reads as nothing; a body stored as it was (an earlier version) reads as itself.
    expect(await storedBodyText(first as Uint8Array, async () => undefined)).toBeUndefined();
    expect(await storedBodyText(Buffer.from('{"c":3}'), async () => undefined)).toBe('{"c":3}');
    // Bodies that share their text shrink together where one alone would not.
    const alike = Array.from({ length: 100 }, (_, i) =>
      request(`{"model":"gpt-4o-mini","messages":[{"role":"user","content":"question ${i}"}]}`, 'ten_1', i),
    );
    const raw = alike.reduce((sum, { bodies }) => sum + (bodies?.request ? bodyBytes(bodies.request) : 0), 0);
    const block = storeBodiesInBlocks(alike)[0]?.data as Uint8Array;
    expect(block.length).toBeLessThan(raw / 5);
  });

  it('reassembles an OpenAI stream alike whether a chunk is parsed or its content cut out of its text', () => {
    const head = { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini', system_fingerprint: 'fp_1' };
    const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) => ({
      data: JSON.stringify({ ...head, choices, ...extra, usage: null }),
    });
    const text = (content: string, index = 0) => chunk([{ index, delta: { content }, logprobs: null, finish_reason: null }]);
    // Contents that an escape, a quote or the text around a content could trip up.
    const contents = [
      'The',
      ' train',
      ' "fast"',
      ' a\\b',
      '\n',
      ' é😀',
      '"},"logprobs":null,"finish_reason":null}],"usage":null}',
      '',
      ' end',
    ];
    const events = [
      chunk([{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }]),
      ...contents.map((content) => text(content)),
      // Another choice, another id, a tool call: each parsed as before.
      text(' other', 1),
      // The same text around its content, but a delta with more than a content: what is between is not one string.
      chunk([{ index: 0, delta: { content: ' a', x: 'b' }, logprobs: null, finish_reason: null }]),
      { data: text(' id').data.replace('chatcmpl-1', 'chatcmpl-2') },
      chunk([
        { index: 0, delta: { tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'w', arguments: '{}' } }] } },
      ]),
      text(' more'),
      chunk([{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }]),
      { data: JSON.stringify({ ...head, choices: [], usage: { prompt_tokens: 3, completion_tokens: 9 } }) },
    ];
    expect(assembleChatCompletion(events)).toEqual({
      ...head,
      object: 'chat.completion',
      usage: { prompt_tokens: 3, completion_tokens: 9 },
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: `${contents.join('')} a id more`,
            tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'w', arguments: '{}' } }],
          },
          finish_reason: 'stop',
        },
        { index: 1, message: { role: 'assistant', content: ' other' }, finish_reason: null },
      ],
    });
  });

  it("finds a packed chat stream's words where reassembly reads them, and nothing in its empty deltas or its usage", () => {
    const head = { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini', system_fingerprint: 'fp_1' };
    const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) => ({
      data: JSON.stringify({ ...head, choices, ...extra, usage: null }),
    });
    const text = (content: string) => chunk([{ index: 0, delta: { content }, logprobs: null, finish_reason: null }]);
    const events = [
      chunk([{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }]),
      // The template chunk, then chunks cut down to their contents (an escape among them).
      text('Take'),
      text(' the'),
      text(' "night"\n'),
      text(' train'),
      // A second choice's content after a first choice's empty delta; a refusal; a tool call's arguments.
      chunk([
        { index: 0, delta: {}, finish_reason: null },
        { index: 1, delta: { content: ' ferry' }, finish_reason: null },
      ]),
      chunk([{ index: 0, delta: { refusal: ' sorry' }, finish_reason: null }]),
      chunk([{ index: 0, delta: { tool_calls: [{ index: 0, function: { name: 'lookup', arguments: '{"city":"Oslo"}' } }] } }]),
      // Text outside any delta, which reassembly does not read either.
      chunk([{ index: 0, message: { content: 'unread' } }], { content: 'unread' }),
      chunk([{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }]),
      { data: JSON.stringify({ ...head, choices: [], usage: { prompt_tokens: 3, completion_tokens: 9 } }) },
    ];
    const packed = packEvents(events) as PackedEvents;
    expect(packed.cut).not.toBeNull();
    expect(streamSearchText(packed, 1000)).toBe('Take the "night"\n train ferry sorry{"city":"Oslo"}');
    expect(streamSearchText(packed, 12)).toBe('Take the "ni');
    const answer = assembleChatCompletion(events);
    expect(JSON.stringify(answer)).not.toContain('unread');
    for (const word of ['Take', 'night', 'train', 'ferry', 'sorry', 'Oslo']) expect(searchableText(answer, 1000)).toContain(word);
  });

  it('packs an OpenAI stream with its content-only chunks cut down to their content, and unpacks it as it came', () => {
    const head = '{"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,';
    const text = (content: string) => `${head}"delta":{"content":${JSON.stringify(content)}},"finish_reason":null}],"usage":null}`;
    const events = [
      { data: `${head}"delta":{"role":"assistant","content":""},"finish_reason":null}],"usage":null}` },
      { data: text('Hello') },
      { data: text(' "quoted"') },
      { data: text(' wor') },
      { data: text('ld\\n') },
      { data: `${head}"delta":{},"finish_reason":"stop"}],"usage":null}` },
    ];
    const packed = pack(events);
    // The first content chunk is the template; a content with a quote is not cut (nor the template: its text is not one
    // string alone). The other chunks are packed without the text before `"choices":` they share with the template.
    const front = '{"id":"c1","object":"chat.completion.chunk","created":1,"model":"m",';
    expect(packed.cut).toEqual({
      before: text('').indexOf('"}'),
      after: '"},"finish_reason":null}],"usage":null}'.length,
      front: front.length,
    });
    expect(kindsOf(packed)).toEqual(['f', 't', 'f', 'c', 'c', 'f']);
    const rest = events.map((event) => event.data.slice(front.length));
    expect(packed.text).toBe(
      [
        '\u001ff',
        rest[0],
        '\u001ft',
        events[1]?.data,
        '\u001ff',
        rest[2],
        '\u001fc',
        ' wor',
        '\u001fc',
        'ld\\\\n',
        '\u001ff',
        rest[5],
      ].join(''),
    );
    expect(unpackEvents(packed)).toEqual(events);
    expect(assembleChatCompletion(packed)).toMatchObject({
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hello "quoted" world\\n' }, finish_reason: 'stop' }],
    });
    // Named events (Anthropic) are never cut.
    const named = pack(events.map((event) => ({ ...event, event: 'x' })));
    expect(named.cut).toBeNull();
    expect(kindsOf(named)).toEqual(['n', 'n', 'n', 'n', 'n', 'n']);
    // A stream with any named event is Anthropic's, packed or not.
    const mixed = [{ data: '{}' }, { event: 'x', data: '{}' }];
    expect([namedEvents(mixed), namedEvents(pack(mixed)), namedEvents(events), namedEvents(packed)]).toEqual([true, true, false, false]);
    // An event holding a separator (not JSON) leaves the stream unpacked.
    expect(packEvents([...events, { data: 'a\u001fb' }])).toBeUndefined();
    expect(packEvents([{ event: 'a\u001db', data: '{}' }])).toBeUndefined();
    expect(packEvents([{ event: 'x', data: '{"a\u001db":1}' }])).toBeUndefined();
    // As in a content the template would cut, where only the content is looked at.
    for (const separator of ['\u001f', '\u001d'])
      expect(packEvents([...events.slice(0, 3), { data: text('a').replace('"a"', `"a${separator}b"`) }])).toBeUndefined();
  });

  it('parses the cut chunks whole when the template chunk adds more than a content', () => {
    // The text around the content is the same in each chunk, but each delta also holds `x`, and one choice finishes.
    const chunk = (content: string, finish: string | null = null) =>
      JSON.stringify({
        id: 'c1',
        object: 'chat.completion.chunk',
        choices: [{ index: 0, delta: { content, x: 'y' }, finish_reason: finish }],
        usage: null,
      });
    const events = ['A', 'b', 'c'].map((content) => ({ data: chunk(content) }));
    events.push({ data: chunk('d', 'length') }, { data: chunk('e', 'length') });
    const packed = pack(events);
    // Cut with the first chunk's template: those with the same text around their content (not the finishing ones).
    expect(kindsOf(packed)).toEqual(['t', 'c', 'c', 'f', 'f']);
    expect(assembleChatCompletion(packed)).toEqual({
      id: 'c1',
      object: 'chat.completion',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Abcde' }, finish_reason: 'length' }],
    });
    // A cut chunk sets the completion's own fields again, as parsing it would: after a chunk with another id, its id.
    const text = (id: string, content: string) =>
      `{"id":"${id}","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"${content}"},"finish_reason":null}]}`;
    const stop = (id: string, content: string) => text(id, content).replace('"finish_reason":null', '"finish_reason":"stop"');
    const again = pack([{ data: text('c1', 'a') }, { data: text('c1', 'b') }, { data: stop('c2', 'x') }, { data: text('c1', 'c') }]);
    expect(kindsOf(again)).toEqual(['t', 'c', 'w', 'c']);
    expect(assembleChatCompletion(again)).toMatchObject({ id: 'c1', choices: [{ message: { content: 'abxc' }, finish_reason: 'stop' }] });
    // A template chunk that is not JSON: the cut chunks are made whole again, and are not JSON either.
    const broken = pack([{ data: '{"delta":{"content":"a"}' }, { data: '{"delta":{"content":"b"}' }]);
    expect(kindsOf(broken)).toEqual(['t', 'c']);
    expect(assembleChatCompletion(broken)).toEqual({ object: 'chat.completion', choices: [] });
  });

  it('reassembles 1,000 generated streams as it does their pretty-printed twins, which it can neither cut nor parse in part', () => {
    const { random, pick } = seeded(29);
    const contents = ['Hel', 'lo', ' "x"', 'a\\', '\\', '\n', 'é😀', '"},"x":1', '', ' end', '"choices":[', ','];
    const delta = () =>
      pick([
        () => ({ content: pick(contents) }),
        () => ({ content: pick(contents) }),
        () => ({ content: pick(contents) }),
        () => ({ role: 'assistant', content: pick(contents) }),
        () => ({ content: pick(contents), refusal: pick(contents) }),
        () => ({ tool_calls: [{ index: 0, id: 'call_1', function: { name: 'f', arguments: pick(contents) } }] }),
        () => ({}),
      ])();
    const chunk = (): Record<string, unknown> => {
      const front: [string, unknown][] = [
        ['id', pick(['c1', 'c1', 'c1', 'c2'])],
        ['object', pick(['chat.completion.chunk', 'chat.completion.chunk', 'chat.completion.chunk', 'other'])],
        ['created', pick([1, 1, 2])],
        ['model', pick(['m', 'm', 'n'])],
      ];
      if (random() < 0.1) front.push(['meta', pick([{ a: 1, choices: 1 }, ['x'], null])]);
      if (random() < 0.1) front.reverse();
      const choices = Array.from({ length: pick([1, 1, 1, 1, 0, 2]) }, (_, i) => ({
        index: random() < 0.9 ? i : 1 - i,
        delta: delta(),
        finish_reason: random() < 0.9 ? null : 'stop',
      }));
      const back: [string, unknown][] = [['usage', random() < 0.9 ? null : { completion_tokens: 3 }]];
      if (random() < 0.1) back.push(['id', 'c3']);
      return Object.fromEntries([...front, ['choices', choices], ...back]);
    };
    let cutStreams = 0;
    let searchedStreams = 0;
    for (let i = 0; i < 1000; i++) {
      const chunks = Array.from({ length: 1 + Math.floor(random() * 8) }, chunk);
      // Runs of chunks alike but for their content, as most of a stream's are.
      for (let j = chunks.length - 1; j > 0; j--) {
        const [first] = (chunks[j]?.choices ?? []) as { delta: { content?: string } }[];
        if (random() < 0.5 && first?.delta.content !== undefined)
          for (let k = Math.floor(random() * 4); k >= 0; k--)
            chunks.splice(j, 0, { ...chunks[j], choices: [{ ...first, delta: { ...first.delta, content: pick(contents) } }] });
      }
      const events = chunks.map((data) => ({ data: JSON.stringify(data) }));
      const pretty = chunks.map((data) => ({ data: JSON.stringify(data, null, 1) }));
      expect(assembleChatCompletion(events), JSON.stringify(chunks)).toEqual(assembleChatCompletion(pretty));
      const packed = pack(events);
      if (packed.cut) cutStreams++;
      expect(unpackEvents(packed)).toEqual(events);
      // Stored as packed, and read back as it came.
      const stored = parseStoredStream(storedStreamText(packed)) as PackedEvents;
      expect(unpackEvents(stored)).toEqual(events);
      // Search finds the content of a stream of one choice's contents as it is in the reassembled answer.
      const onlyContents = chunks.every((data) => {
        const choices = data.choices as { index: number; delta: Record<string, unknown> }[];
        if (data.object !== 'chat.completion.chunk' || choices.length > 1) return false;
        return choices.every(({ index, delta }) => index === 0 && delta.refusal === undefined && !delta.tool_calls);
      });
      if (onlyContents) {
        searchedStreams++;
        expect(streamSearchText(packed, 1000)).toBe(searchableText(assembleChatCompletion(events), 1000));
      }
    }
    expect(cutStreams).toBeGreaterThan(200);
    expect(searchedStreams).toBeGreaterThan(50);
  });

  it('reassembles an Anthropic stream with text and a tool_use whose input came in pieces', () => {
    const events = [
      {
        type: 'message_start',
        message: { id: 'msg_1', type: 'message', role: 'assistant', model: 'claude', content: [], usage: { input_tokens: 9 } },
      },
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Let me ' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'check.' } },
      { type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 'toolu_1', name: 'weather', input: {} } },
      { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"city":' } },
      { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '"Oslo"}' } },
      { type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 12 } },
      { type: 'message_stop' },
    ].map((data) => ({ event: data.type, data: JSON.stringify(data) }));
    expect(assembleAnthropicMessage(events)).toEqual({
      id: 'msg_1',
      type: 'message',
      role: 'assistant',
      model: 'claude',
      content: [
        { type: 'text', text: 'Let me check.' },
        { type: 'tool_use', id: 'toolu_1', name: 'weather', input: { city: 'Oslo' } },
      ],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: { input_tokens: 9, output_tokens: 12 },
    });
    const { row, searchText } = requestLogRow(
      {
        event,
        level: 'full',
        attempts: [],
        metadata: null,
        request: JSON.stringify({
          model: 'anthropic/claude',
          system: 'Be terse.',
          messages: [{ role: 'user', content: [{ type: 'text', text: 'Weather in Oslo?' }] }],
        }),
        answer: { kind: 'events', events },
      },
      1024 * 1024,
    );
    expect(row.preview).toBe('Weather in Oslo?');
    // Found in the body as the writer's fallback (a record spilled before the request path found its prompt text).
    // Only the last user message is indexed of a request: not its system prompt, repeated on every request.
    expect(searchText).not.toContain('Be terse.');
    expect(searchText).toContain('Weather in Oslo?');
    expect(searchText).toContain('Let me check.');
    expect(searchText).toContain('Oslo');
    expect(searchText).not.toContain('anthropic/claude');
  });

  it('frames the bodies beside the batch JSON and cuts them back out whole, whatever they hold', () => {
    const records: RequestLogRecord[] = [
      {
        event,
        level: 'full',
        attempts: [],
        metadata: null,
        request: '{"messages":[{"role":"user","content":"a \\"quote\\", é, 😀"}]}',
        prompt: 'a "quote", é, 😀',
        answer: { kind: 'json', text: '{"choices":[{"message":{"content":"\\n"}}]}' },
      },
      { event: { ...event, id: 'req_2' }, level: 'metadata', attempts: [], metadata: { a: 'b' }, request: null, answer: null },
      {
        event: { ...event, id: 'req_3' },
        level: 'full',
        attempts: [],
        metadata: null,
        request: '{}',
        prompt: null,
        answer: { kind: 'object', value: { x: 1 } },
      },
      {
        event: { ...event, id: 'req_4' },
        level: 'full',
        attempts: [],
        metadata: null,
        request: '',
        prompt: '',
        answer: { kind: 'json', text: '' },
      },
      // A stream's events, named (Anthropic) or not (OpenAI), their data framed too.
      {
        event: { ...event, id: 'req_5' },
        level: 'full',
        attempts: [],
        metadata: null,
        request: '{}',
        prompt: null,
        answer: { kind: 'events', events: [{ data: '{"choices":[{"delta":{"content":"a \\"quote\\""}}]}' }, { data: '' }] },
      },
      {
        event: { ...event, id: 'req_6' },
        level: 'full',
        attempts: [],
        metadata: null,
        request: '{}',
        prompt: null,
        answer: {
          kind: 'events',
          events: [
            { event: 'message_start', data: '{"type":"message_start","quote":1}' },
            { data: '😀' },
            { event: 'message_stop', data: '{}' },
          ],
        },
      },
    ];
    const { batch, bytes } = frameRecords(records);
    expect(batch).not.toContain('quote');
    // The texts cross as UTF-8 one after another, in the order the records refer to them.
    const utf8 = Buffer.from(bytes);
    const first = [records[0]?.request, records[0]?.prompt, '{"choices":[{"message":{"content":"\\n"}}]}'].join('');
    expect(utf8.subarray(0, Buffer.byteLength(first)).toString('utf8')).toBe(first);
    expect(() => unframeRecords(JSON.parse(batch), utf8.subarray(0, 10))).toThrow(/refers to bytes/);
    const back = unframeRecords(JSON.parse(batch), utf8);
    // The event crosses as its column values: it comes back with its optional fields at their stored defaults, its
    // bodies as their bytes, and a stream's events packed.
    expect(back).toEqual(
      records.map((record) => ({
        ...record,
        event: fromValues(toValues(record.event)),
        request: record.request === null ? null : Buffer.from(record.request),
        answer: received(packAnswer(record.answer)),
      })),
    );
    expect(JSON.parse(batch)[0].event).toEqual(toValues(records[0]?.event as UsageEvent));

    // Streams packed as their entries are queued (packAnswer) frame as the same texts and come back as their events.
    const packed = records.map((record) => ({ ...record, answer: packAnswer(record.answer) }));
    expect(packed[5]?.answer).toEqual({
      kind: 'packed-events',
      // Each event after a separator and a letter saying how it was packed; a named event's name before its data.
      text: '\u001fnmessage_start\u001d{"type":"message_start","quote":1}\u001fw😀\u001fnmessage_stop\u001d{}',
      cut: null,
    });
    const again = frameRecords(packed);
    expect(again.batch).toBe(batch);
    expect(Buffer.from(again.bytes).equals(utf8)).toBe(true);
    expect(requestLogRow(packed[5] as RequestLogRecord, 1024)).toEqual(requestLogRow(records[5] as RequestLogRecord, 1024));
  });

  it('finds the text of a JSON answer without parsing it, as searchableText() finds it in the parsed answer', () => {
    const answers = [
      {
        id: 'chatcmpl-1',
        object: 'chat.completion',
        model: 'gpt-4o-mini',
        choices: [
          { index: 0, message: { role: 'assistant', content: 'Take the "train": 2h20\\ door to door,\nno check-in.', refusal: null } },
        ],
        usage: { prompt_tokens: 9, completion_tokens: 12 },
      },
      {
        choices: [
          {
            message: {
              role: 'assistant',
              content: null,
              tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Oslo","content":"x"}' } }],
            },
          },
        ],
      },
      // A text field holding an object (a tool_use input): parsed whole.
      {
        type: 'message',
        content: [
          { type: 'text', text: 'Let me check é 😀' },
          { type: 'tool_use', name: 'w', input: { city: 'Bergen' } },
        ],
      },
      { output: [{ type: 'message', content: [{ type: 'output_text', text: 'Résumé' }] }], instructions: null },
    ];
    for (const answer of answers) {
      for (const text of [JSON.stringify(answer), JSON.stringify(answer, null, 2)])
        expect(searchableJsonText(text, 1000)).toBe(searchableText(answer, 1000));
    }
    expect(searchableJsonText(JSON.stringify(answers[0]), 10)).toBe('Take the "');
    // Cut at maxChars, with a text field holding an object after the cut: still as searchableText() finds it.
    expect(searchableJsonText(JSON.stringify(answers[2]), 5)).toBe(searchableText(answers[2], 5));
    // Not starting as JSON does (leading whitespace): parsed when a text field holds an object, else not searched.
    expect(searchableJsonText(` ${JSON.stringify(answers[2])}`, 1000)).toBe(searchableText(answers[2], 1000));
    expect(searchableJsonText(` ${JSON.stringify(answers[0])}`, 1000)).toBeUndefined();
    expect(searchableJsonText('not json', 1000)).toBeUndefined();
  });

  it('finds the same text as searchableText() in 2,000 generated JSON texts, quotes, backslashes and keys in strings included', () => {
    const { random, pick } = seeded(23);
    const keys = ['content', 'text', 'input', 'system', 'prompt', 'arguments', 'refusal', 'type', 'name', 'id', 'role', 'tex', 'contents'];
    const pieces = ['a', ' ', '"', '\\', '\n', 'é', '😀', ':', '{', '[', '"text":"x"', '\\"', ',', 'content'];
    const string = () => Array.from({ length: Math.floor(random() * 6) }, () => pick(pieces)).join('');
    // Under a text field every string is searched; the scan finds those under text fields of their own, so there the
    // generated strings sit under text fields only.
    const value = (depth: number, underText: boolean): unknown => {
      const kind = depth > 3 ? pick(['string', 'number']) : pick(['string', 'number', 'null', 'object', 'object', 'array']);
      if (kind === 'string') return underText ? 7 : string();
      if (kind === 'number') return Math.floor(random() * 100);
      if (kind === 'null') return null;
      if (kind === 'array') return Array.from({ length: Math.floor(random() * 3) }, () => value(depth + 1, underText));
      const object: Record<string, unknown> = {};
      for (let i = Math.floor(random() * 4); i > 0; i--) {
        const key = pick(keys);
        const text = ['content', 'text', 'system', 'prompt', 'refusal'].includes(key);
        // A `type` is a discriminator's name, never searched — and never more than a string.
        if (key === 'type') object[key] = pick(['text', 'tool_use', 'output_text']);
        else object[key] = text && random() < 0.6 ? string() : value(depth + 1, underText || text || ['input', 'arguments'].includes(key));
      }
      return object;
    };
    for (let i = 0; i < 2000; i++) {
      const answer = value(0, false);
      if (typeof answer !== 'object' || answer === null) continue;
      for (const text of [JSON.stringify(answer), JSON.stringify(answer, null, 2)])
        expect(searchableJsonText(text, 40), text).toBe(searchableText(answer, 40));
    }
  });

  it('makes the preview of a prompt its start, whitespace runs made single spaces', () => {
    const preview = (prompt: string) =>
      requestLogRow({ event, level: 'full', attempts: [], metadata: null, request: '{}', prompt, answer: null }, 1024).row.preview;
    expect(preview('  Which is quicker: the train or a flight? ')).toBe('Which is quicker: the train or a flight?');
    expect(preview('Line one\n\n\tline  two\u00a0end\r\n')).toBe('Line one line two end');
    expect(preview(' \n\t ')).toBeNull();
    expect(preview('x'.repeat(300))).toBe('x'.repeat(200));
    // Whatever \s matches between two words, and nothing else, becomes one space.
    for (let code = 0; code < 0x10000; code++) {
      const char = String.fromCharCode(code);
      if (/\s/.test(char)) expect(promptPreview(`a${char}b`), `U+${code.toString(16)}`).toBe('a b');
      else expect(promptPreview(`a${char} b`), `U+${code.toString(16)}`).toBe(`a${char} b`);
    }
  });

  it('stores a short body from the bytes it was counted in, and reads it back', async () => {
    const logged = requestLogRow(
      { event, level: 'full', attempts: [], metadata: null, request: '{"a":"é 😀"}', prompt: null, answer: null },
      1024,
    );
    expect(logged.row.request_bytes).toBe(Buffer.byteLength('{"a":"é 😀"}'));
    expect(bodyText(logged, 'request')).toBe('{"a":"é 😀"}');
    const cut = requestLogRow(
      { event, level: 'full', attempts: [], metadata: null, request: `{"a":"${'é'.repeat(100)}"}`, prompt: null, answer: null },
      21,
    );
    // Counted whole, kept to the cap: 20 bytes, the last é cut in two dropped.
    expect(cut.row).toMatchObject({ request_bytes: 208, request_truncated: 1 });
    expect(bodyText(cut, 'request')).toBe(`{"a":"${'é'.repeat(7)}`);
    expect(bodyBytes(cut.bodies?.request as BodyText)).toBe(20);
  });

  it("writes a stored stream's header as JSON.stringify would, and refuses a cut that is not integers", () => {
    for (const cut of [null, { before: 80, after: 30, front: 62 }]) {
      const stored = storedStreamText({ kind: 'packed-events', text: '\u001fwx', cut });
      expect(stored).toBe(`\u001e${JSON.stringify({ v: 1, cut })}\n\u001fwx`);
      expect(parseStoredStream(stored)).toEqual({ kind: 'packed-events', text: '\u001fwx', cut });
    }
    expect(() => storedStreamText({ kind: 'packed-events', text: '', cut: { before: 1.5, after: 0, front: 0 } })).toThrow(/integer/);
  });

  it('stores a stream as packed, to be reassembled when read, unless longer than the cap or holding a separator', async () => {
    const head = '{"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,';
    const text = (content: string) => `${head}"delta":{"content":${JSON.stringify(content)}},"finish_reason":null}],"usage":null}`;
    const events = [
      { data: `${head}"delta":{"role":"assistant","content":""},"finish_reason":null}],"usage":null}` },
      ...['Take ', 'the tr', 'ain', ' "now"', '.'].map((content) => ({ data: text(content) })),
      { data: `${head}"delta":{},"finish_reason":"stop"}],"usage":null}` },
      { data: '[DONE]' },
    ];
    const record: RequestLogRecord = {
      event,
      level: 'full',
      attempts: [],
      metadata: null,
      request: null,
      prompt: null,
      answer: { kind: 'events', events },
    };
    const assembled = assembleChatCompletion(events);
    const logged = requestLogRow(record, 4096);
    const { row, searchText } = logged;
    const stored = bodyText(logged, 'response');
    expect(stored.startsWith('\u001e')).toBe(true);
    // Under half the events: the chunks after the template without the id, model and the like they share with it.
    expect(row.response_bytes).toBeLessThan(events.reduce((bytes, { data }) => bytes + data.length, 0) / 2);
    expect(row.response_truncated).toBe(0);
    expect(answerJson(parseStoredStream(stored) as PackedEvents)).toEqual({ text: JSON.stringify(assembled), value: assembled });
    expect(searchText).toBe('Take the train "now".');

    // Longer than the cap: reassembled as it is written, and truncated as any answer.
    const capped = requestLogRow(record, 60);
    expect(capped.row).toMatchObject({ response_bytes: Buffer.byteLength(JSON.stringify(assembled)), response_truncated: 1 });
    expect(bodyText(capped, 'response')).toBe(JSON.stringify(assembled).slice(0, 60));

    // A separator in an event (no JSON chunk has one): reassembled as it is written.
    const odd = [...events.slice(0, -1), { data: 'not json \u001f' }];
    const oddRow = requestLogRow({ ...record, answer: { kind: 'events', events: odd } }, 4096);
    expect(bodyText(oddRow, 'response')).toBe(JSON.stringify(assembleChatCompletion(odd)));
    expect(packEvents(odd)).toBeUndefined();

    // Anthropic's named events, stored with their names.
    const named = [
      { event: 'message_start', data: '{"type":"message_start","message":{"id":"msg_1","role":"assistant","content":[]}}' },
      { event: 'content_block_delta', data: '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}' },
    ];
    expect(unpackEvents(parseStoredStream(storedStreamText(pack(named))) as PackedEvents)).toEqual(named);
  });

  it('stores a stream packed by the version before, as a spill file or a dead letter holds it, as this version packs it', async () => {
    const chunk = (content: string) =>
      `{"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"${content}"},"finish_reason":null}]}`;
    const events = [{ data: chunk('a') }, { data: chunk('b') }, { data: chunk('c') }];
    const before = chunk('').indexOf('"}');
    const after = chunk('').length - before;
    // Each event's length, the cut ones their content only, as stop 37 packed.
    const legacy = {
      kind: 'packed-events',
      text: `${events[0]?.data}bc`,
      lengths: [events[0]?.data.length, 1, 1],
      names: null,
      cut: { template: 0, before, after, events: [1, 2] },
    } as unknown as CapturedAnswer;
    expect(packAnswer(legacy)).toEqual(pack(events));
    const record: RequestLogRecord = { event, level: 'full', attempts: [], metadata: null, request: null, prompt: null, answer: legacy };
    const stored = bodyText(requestLogRow(record, 4096), 'response');
    expect(unpackEvents(parseStoredStream(stored) as PackedEvents)).toEqual(events);
    const { batch, bytes } = frameRecords([record]);
    expect(unframeRecords(JSON.parse(batch), Buffer.from(bytes))[0]?.answer).toEqual(received(pack(events)));
  });

  it('keeps neither bodies nor preview at level metadata', () => {
    const { row, searchText, bodies } = requestLogRow(
      { event, level: 'metadata', attempts: [], metadata: { a: 'b' }, request: null, answer: null },
      1024,
    );
    expect(row).toMatchObject({ request_body: null, response_body: null, preview: null, metadata: '{"a":"b"}' });
    expect(bodies).toEqual({ request: null, response: null });
    expect(searchText).toBe('');
  });
});
