// Turns a captured answer into one JSON text — a stream reassembled into the final object its non-streamed twin would
// have been (a chat.completion with its tool calls, an Anthropic message), when its entry is read (or as it is written,
// for a stream that is not stored packed) — and finds the plain text of prompts and answers for search and the list's
// preview, where the entry is written (the writer thread). Never on the request path — but for promptText(), a walk
// down the body the request path already parsed.
import { CHOICES_KEY, ContentTemplate, unescapedContent } from './content-template.js';
import {
  cutAround,
  forEachEvent,
  forEachPackedSpan,
  namedEvents,
  type PackedCut,
  type PackedEvents,
  packEvents,
  type StreamEvent,
  unpackEvents,
} from './packed-stream.js';
import type { CapturedAnswer } from './request-log-entry.js';

/** The answer as one JSON text, and the value it is the text of when it was built here (not parsed from the text). */
export function answerJson(answer: CapturedAnswer): { text: string; value?: unknown } {
  if (answer.kind === 'json') return { text: answer.text };
  if (answer.kind === 'object') return { text: JSON.stringify(answer.value), value: answer.value };
  const stream = answer.kind === 'packed-events' ? answer : answer.events;
  // Anthropic's streams name their events; OpenAI's do not.
  const value = namedEvents(stream)
    ? assembleAnthropicMessage(Array.isArray(stream) ? stream : unpackEvents(stream as PackedEvents))
    : assembleChatCompletion(stream);
  return { text: JSON.stringify(value), value };
}

type Json = Record<string, unknown>;

function parsed(data: string): Json | undefined {
  try {
    const value: unknown = JSON.parse(data);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
  } catch {
    return undefined;
  }
}

interface ToolCallDraft {
  id?: string;
  type: string;
  function: { name: string; arguments: string };
}

interface ChoiceDraft {
  index: number;
  message: { role: string; content: string | null; refusal?: string; reasoning_content?: string; tool_calls?: ToolCallDraft[] };
  finish_reason: unknown;
}

/**
 * OpenAI chat.completion.chunk events → the chat.completion they add up to (a flow run's trailer is left out). The
 * chunks packing cut down to their content (PackedEvents' `cut`) add it to their choice unparsed, once the template
 * chunk's parse has shown that such a chunk adds a content and nothing else; else they are made whole and parsed.
 */
export function assembleChatCompletion(stream: readonly StreamEvent[] | PackedEvents): Json {
  const packed = Array.isArray(stream) ? (packEvents(stream) ?? stream) : stream;
  const cut = Array.isArray(packed) ? null : (packed as PackedEvents).cut;
  const completion: Json = { object: 'chat.completion' };
  const choices = new Map<number, ChoiceDraft>();
  const chunks = new ChunkParser();
  let templateData = '';
  // The choice the cut chunks add their content to: known once the template chunk has been parsed and found to be one.
  let cutChoice: ChoiceDraft | undefined;
  // What the template chunk set of the completion's own fields, which a cut chunk (the same text there) sets again.
  let templateTop: Json[] = [];
  let around: { before: string; after: string } | undefined;
  forEachEvent(packed, (packedData, kind) => {
    let data = packedData;
    if (kind === 'c' && cut) {
      const content = cutChoice === undefined ? undefined : unescapedContent(data);
      if (content !== undefined && cutChoice !== undefined) {
        for (const fields of templateTop) copyTopFields(completion, fields);
        cutChoice.message.content = (cutChoice.message.content ?? '') + content;
        return;
      }
      around ??= cutAround(templateData, cut);
      data = around.before + data + around.after;
    }
    const chunk = chunks.parse(data);
    if (kind === 't') templateData = data;
    if (chunk === undefined) return;
    // A chunk parsed past its front has the front's values there (a chunk in between may have set others).
    if (chunks.partial) copyTopFields(completion, chunks.front as Json);
    copyTopFields(completion, chunk);
    for (const raw of Array.isArray(chunk.choices) ? (chunk.choices as Json[]) : []) {
      const index = typeof raw.index === 'number' ? raw.index : 0;
      let choice = choices.get(index);
      if (choice === undefined) {
        choice = { index, message: { role: 'assistant', content: null }, finish_reason: null };
        choices.set(index, choice);
      }
      if (raw.finish_reason !== undefined && raw.finish_reason !== null) choice.finish_reason = raw.finish_reason;
      addDelta(choice, (raw.delta ?? {}) as Json);
    }
    if (kind === 't' && cut && addsContentOnly(data, chunk, cut)) {
      cutChoice = choices.get((chunk.choices as Json[])[0]?.index as number);
      templateTop = chunks.partial ? [chunks.front as Json, chunk] : [chunk];
    }
  });
  completion.choices = [...choices.values()].sort((a, b) => a.index - b.index);
  return completion;
}

const CHUNK_OBJECT = 'chat.completion.chunk';
const QUOTE = 0x22;
const COMMA = 0x2c;

/**
 * Parses a stream's chunks, those after the first whole one past the text they share with it. The first chunk's text
 * before its `choices` — its id, object, created, model, fingerprint — holds the same values in every chunk that starts
 * with the same text, when all it holds there are strings, numbers, booleans and nulls (no object or array that could
 * hold a `"choices":` of its own): a later chunk is then parsed from there on, as an object of the rest of its keys,
 * which JSON.parse builds in about half the instructions. Its values in front are the first chunk's, already read.
 */
class ChunkParser {
  private frontText: string | undefined;
  /** The values of the first chunk's keys in the shared front: those of every chunk parsed past it. */
  front: Json | undefined;
  /** Whether the chunk parse() last returned was parsed past the front (its values there are `front`'s). */
  partial = false;

  /** A chat.completion.chunk's object (past the shared front, when it has it); undefined when it is not one. */
  parse(data: string): Json | undefined {
    const front = this.frontText;
    this.partial = front !== undefined && data.length > front.length && data.slice(0, front.length) === front;
    if (this.partial) {
      const rest = parsed(`{${data.slice((front as string).length)}`);
      // A key that comes twice takes its last value: an `object` in the rest is the chunk's.
      return rest === undefined || (rest.object !== undefined && rest.object !== CHUNK_OBJECT) ? undefined : rest;
    }
    const chunk = parsed(data);
    if (chunk === undefined || chunk.object !== CHUNK_OBJECT) return undefined;
    if (this.frontText === undefined) {
      const at = frontEnd(data, chunk);
      if (at !== undefined) {
        this.frontText = data.slice(0, at);
        this.front = {};
        for (const key in chunk) {
          if (key === 'choices') break;
          this.front[key] = chunk[key];
        }
      }
    }
    return chunk;
  }
}

/** Where a chunk's `"choices":` key starts, after a comma, if the values before it are neither objects nor arrays. */
function frontEnd(data: string, chunk: Json): number | undefined {
  const at = data.indexOf(CHOICES_KEY) - 1;
  if (at < 2 || data.charCodeAt(at) !== QUOTE || data.charCodeAt(at - 1) !== COMMA) return undefined;
  // Keys in the order they were written (integer-like ones first, which can only make this stricter).
  for (const key in chunk) {
    if (key === 'choices') return at;
    const value = chunk[key];
    if (typeof value === 'object' && value !== null) return undefined;
  }
  return undefined;
}

/** The completion's own fields a chunk sets, named one by one: a loop over the names made megamorphic loads and stores. */
function copyTopFields(completion: Json, chunk: Json): void {
  if (chunk.id !== undefined && chunk.id !== null) completion.id = chunk.id;
  if (chunk.created !== undefined && chunk.created !== null) completion.created = chunk.created;
  if (chunk.model !== undefined && chunk.model !== null) completion.model = chunk.model;
  if (chunk.system_fingerprint !== undefined && chunk.system_fingerprint !== null) completion.system_fingerprint = chunk.system_fingerprint;
  if (chunk.service_tier !== undefined && chunk.service_tier !== null) completion.service_tier = chunk.service_tier;
  if (chunk.usage) completion.usage = chunk.usage;
}

/**
 * Whether a template chunk adds a content to one choice and changes nothing else (id, model, choice, the null
 * finish_reason and usage are the text around its content), its content where its template says: then a chunk with
 * the same text around its content only adds its content to the same choice.
 */
function addsContentOnly(data: string, chunk: Json, cut: { before: number; after: number }): boolean {
  const choices = chunk.choices;
  if (!Array.isArray(choices) || choices.length !== 1 || (chunk.usage !== undefined && chunk.usage !== null)) return false;
  const choice = choices[0] as Json;
  const delta = choice.delta as Json | undefined;
  if (typeof choice.index !== 'number' || (choice.finish_reason !== undefined && choice.finish_reason !== null)) return false;
  if (typeof delta !== 'object' || delta === null || typeof delta.content !== 'string' || Object.keys(delta).length !== 1) return false;
  const template = ContentTemplate.of(data);
  if (template === undefined || template.before.length !== cut.before || template.after.length !== cut.after) return false;
  const written = template.writtenContentOf(data);
  return written !== undefined && unescapedContent(written) === delta.content;
}

function addDelta(choice: ChoiceDraft, delta: Json): void {
  const message = choice.message;
  if (typeof delta.role === 'string') message.role = delta.role;
  if (typeof delta.content === 'string') message.content = (message.content ?? '') + delta.content;
  if (typeof delta.refusal === 'string') message.refusal = (message.refusal ?? '') + delta.refusal;
  if (typeof delta.reasoning_content === 'string') message.reasoning_content = (message.reasoning_content ?? '') + delta.reasoning_content;
  for (const call of Array.isArray(delta.tool_calls) ? (delta.tool_calls as Json[]) : []) {
    message.tool_calls ??= [];
    const index = typeof call.index === 'number' ? call.index : message.tool_calls.length;
    let draft = message.tool_calls[index];
    if (draft === undefined) {
      draft = { type: 'function', function: { name: '', arguments: '' } };
      message.tool_calls[index] = draft;
    }
    if (typeof call.id === 'string') draft.id = call.id;
    if (typeof call.type === 'string') draft.type = call.type;
    const fn = (call.function ?? {}) as Json;
    if (typeof fn.name === 'string') draft.function.name += fn.name;
    if (typeof fn.arguments === 'string') draft.function.arguments += fn.arguments;
  }
}

/** Anthropic's message_start … message_stop events → the message a non-streamed call answers. */
export function assembleAnthropicMessage(events: readonly StreamEvent[]): Json {
  let message: Json = { type: 'message', role: 'assistant', content: [] };
  const blocks: Json[] = [];
  const partialJson = new Map<number, string>();
  for (const { data } of events) {
    const event = parsed(data);
    if (event === undefined) continue;
    const index = typeof event.index === 'number' ? event.index : 0;
    if (event.type === 'message_start' && event.message) message = { ...(event.message as Json) };
    else if (event.type === 'content_block_start' && event.content_block) blocks[index] = { ...(event.content_block as Json) };
    else if (event.type === 'content_block_delta') {
      blocks[index] ??= { type: 'text', text: '' };
      const block = blocks[index] as Json;
      const delta = (event.delta ?? {}) as Json;
      if (delta.type === 'text_delta') block.text = `${(block.text as string | undefined) ?? ''}${delta.text as string}`;
      else if (delta.type === 'thinking_delta')
        block.thinking = `${(block.thinking as string | undefined) ?? ''}${delta.thinking as string}`;
      else if (delta.type === 'signature_delta') block.signature = delta.signature;
      else if (delta.type === 'input_json_delta') partialJson.set(index, (partialJson.get(index) ?? '') + (delta.partial_json as string));
    } else if (event.type === 'message_delta') {
      const delta = (event.delta ?? {}) as Json;
      if (delta.stop_reason !== undefined) message.stop_reason = delta.stop_reason;
      if (delta.stop_sequence !== undefined) message.stop_sequence = delta.stop_sequence;
      if (event.usage) message.usage = { ...((message.usage as Json | undefined) ?? {}), ...(event.usage as Json) };
    }
  }
  for (const [index, json] of partialJson) {
    const block = blocks[index];
    if (block === undefined) continue;
    try {
      block.input = JSON.parse(json);
    } catch {
      block.input = json;
    }
  }
  message.content = blocks.filter((block) => block !== undefined);
  return message;
}

/** What search indexes of one entry, at most (prompt and answer together). */
export const SEARCH_CHARS = 64 * 1024;

/** Fields whose strings are what people wrote or read: prompts, answers, tool arguments, flow parameters. */
const TEXT_FIELDS = new Set([
  'content',
  // An Anthropic stream's tool input, a piece of its JSON at a time (streamSearchText()).
  'partial_json',
  'text',
  'input',
  'system',
  'instructions',
  'prompt',
  'arguments',
  'refusal',
  'parameters',
  'thinking',
]);

/** The plain text of a JSON body, for full-text search: strings under TEXT_FIELDS (but `type`), at most `maxChars`. */
export function searchableText(body: unknown, maxChars: number): string {
  const parts: string[] = [];
  let length = 0;
  const visit = (value: unknown, wanted: boolean): void => {
    if (length >= maxChars) return;
    if (typeof value === 'string') {
      if (wanted && value !== '') {
        parts.push(value);
        length += value.length + 1;
      }
    } else if (Array.isArray(value)) {
      for (const item of value) visit(item, wanted);
    } else if (typeof value === 'object' && value !== null) {
      const object = value as Json;
      // A `type` is the dialect's discriminator (`text`, `output_text`, `tool_use`), not anyone's words.
      for (const key in object) if (key !== 'type') visit(object[key], wanted || TEXT_FIELDS.has(key));
    }
  };
  visit(body, false);
  return parts.join('\n').slice(0, maxChars);
}

/**
 * What search indexes of a request, and its preview's source: the text of its last user message (chat completions,
 * Messages, the Responses API's input items), else its input (a Responses or embeddings string, or embeddings' strings),
 * else a flow run's string parameters. Not the system prompt nor earlier turns: repeated on every request of a
 * conversation, they would be most of what the index tokenises (docs/request-log.md#search). Read from the body the
 * request path already parsed — a walk down to one string, no copy — so that the writer never parses the request.
 */
export function promptText(body: unknown): string | null {
  if (typeof body !== 'object' || body === null) return null;
  const request = body as Json;
  const text =
    lastUserText(request.messages) ?? lastUserText(request.input) ?? inputText(request.input) ?? parameterText(request.parameters);
  if (text === undefined || text === '') return null;
  // No more than search keeps: a slice shares the body's characters, and only these cross to the writer thread.
  return text.length > SEARCH_CHARS ? text.slice(0, SEARCH_CHARS) : text;
}

// In JSON text, one of two things, found in one scan: a text field holding an object or an array whose strings are not
// under text fields of their own (a tool_use input: no group), or a text field's key and its string value (group 1,
// its escapes left as they are).
const TEXT_FIELD_VALUE = new RegExp(
  `"(?:input|parameters|arguments)"\\s*:\\s*[[{]|"(?:${[...TEXT_FIELDS].join('|')})"\\s*:\\s*"([^"\\\\]*(?:\\\\.[^"\\\\]*)*)"`,
  'g',
);
// The first kind alone: in a text that does not start as JSON would, or past where the scan stopped at maxChars.
const TEXT_FIELD_OBJECT = /"(?:input|parameters|arguments)"\s*:\s*[[{]/;

/**
 * searchableText() of a JSON text, without parsing all of it: the string values of its text fields, found by a scan.
 * A string's inner quotes are escaped, so a key matched is a key. JSON.parse builds every object and name of an answer
 * (about 1,100 instructions per property name: docs/benchmarks.md) for the one or two strings search keeps. A text
 * whose text fields hold objects (a tool_use's input) is parsed whole; undefined when it is not JSON.
 */
export function searchableJsonText(text: string, maxChars: number): string | undefined {
  const first = text.charCodeAt(0);
  // Not an object nor an array: not JSON (or not one to search), but for a text field holding an object, parsed as before.
  if (first !== 0x7b && first !== 0x5b) return TEXT_FIELD_OBJECT.test(text) ? parsedSearchableText(text, maxChars) : undefined;
  return textFieldsOf(text, text, maxChars);
}

/**
 * The string values of the text fields in `scanned`, a JSON text or the end of one: `json`, searched as parsed when a
 * text field holds an object. Undefined when a string is not JSON.
 */
function textFieldsOf(scanned: string, json: string, maxChars: number): string | undefined {
  let found = '';
  TEXT_FIELD_VALUE.lastIndex = 0;
  for (let match = TEXT_FIELD_VALUE.exec(scanned); match !== null; match = TEXT_FIELD_VALUE.exec(scanned)) {
    const raw = match[1];
    if (raw === undefined) return parsedSearchableText(json, maxChars);
    if (found.length >= maxChars) {
      // Enough text; but an object under a text field further on means the text is searched as parsed, as before.
      return TEXT_FIELD_OBJECT.test(scanned.slice(match.index)) ? parsedSearchableText(json, maxChars) : found.slice(0, maxChars);
    }
    if (raw === '') continue;
    const value = unescapedContent(raw);
    if (value === undefined) return undefined;
    found = found === '' ? value : `${found}\n${value}`;
  }
  return found.length > maxChars ? found.slice(0, maxChars) : found;
}

/**
 * The plain text of a packed stream for search, without reassembling it: the text fields of its events one after
 * another, with nothing between them — a word can be split across chunks, its halves each one's content. Events of two
 * choices or two blocks run together; search only needs their words. Of a chat stream, search looks where reassembly
 * reads (assembleChatCompletion()): a cut chunk's content and the template chunk's (the same place in the same text),
 * and a whole chunk's text fields from its first delta on; a chunk whose deltas are all empty, or that has none, is
 * not scanned at all.
 */
export function streamSearchText({ text, cut }: PackedEvents, maxChars: number): string {
  const parts: string[] = [];
  let length = 0;
  // Contents are as written in JSON: unescaped one by one only when the stream holds an escape at all.
  const escapes = text.includes('\\');
  forEachPackedSpan(text, (kind, _at, start, end) => {
    if (length >= maxChars) return;
    let found: string;
    if (kind === 'c' || (kind === 't' && cut !== null)) {
      const around = cut as PackedCut;
      found = kind === 'c' ? text.slice(start, end) : text.slice(start + around.before, end - around.after);
      if (escapes) found = unescapedContent(found) ?? found;
    } else if (kind === 'n' || kind === 't') found = searchableJsonText(text.slice(start, end), maxChars) ?? '';
    else found = deltaText(text.slice(start, end), kind === 'f', maxChars);
    if (found === '') return;
    parts.push(found);
    length += found.length;
  });
  const joined = parts.join('');
  return joined.length > maxChars ? joined.slice(0, maxChars) : joined;
}

// Looked for without its opening quote, checked after, as content-template.ts looks for a content: V8's search finds a
// pattern's first character first, and a quote is JSON's commonest.
const DELTA_NAME = 'delta"';
const EMPTY_DELTA = ':{}';

/**
 * The text fields of a whole chat chunk (of kind `f`, without its front), from its first delta that is not empty on.
 * Its text before (id, model and the like) holds none.
 */
function deltaText(chunk: string, fronted: boolean, maxChars: number): string {
  let name = chunk.indexOf(DELTA_NAME);
  while (name !== -1 && (chunk.charCodeAt(name - 1) !== QUOTE || chunk.startsWith(EMPTY_DELTA, name + DELTA_NAME.length)))
    name = chunk.indexOf(DELTA_NAME, name + DELTA_NAME.length);
  if (name === -1) return '';
  return textFieldsOf(chunk.slice(name - 1), fronted ? `{${chunk}` : chunk, maxChars) ?? '';
}

function parsedSearchableText(text: string, maxChars: number): string | undefined {
  try {
    return searchableText(JSON.parse(text), maxChars);
  } catch {
    return undefined;
  }
}

const PREVIEW_CHARS = 200;
// Whitespace other than a single space: what promptPreview() makes single spaces.
const SPACING_TO_FLATTEN = /[^\S ]| {2}/;

/** The preview of a request: the start of its prompt text (promptText()), whitespace runs made single spaces. */
export function promptPreview(prompt: string | null): string | null {
  if (prompt === null) return null;
  // Cut before the whitespace is normalised (a prompt can be 64 KB): four times the preview's length is enough unless
  // the start is mostly runs of whitespace, whose preview is then shorter.
  const start = prompt.trimStart().slice(0, PREVIEW_CHARS * 4);
  // Most prompts have no whitespace but single spaces: a test is a tenth of what replace() costs to change nothing.
  const flat = SPACING_TO_FLATTEN.test(start) ? start.replace(/\s+/g, ' ').trim() : start.trimEnd();
  return flat === '' ? null : flat.slice(0, PREVIEW_CHARS);
}

function lastUserText(items: unknown): string | undefined {
  if (!Array.isArray(items)) return undefined;
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i] as Json | null;
    if (item && item.role === 'user') return contentText(item.content);
  }
  return undefined;
}

function contentText(content: unknown): string | undefined {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return undefined;
  const texts = content.flatMap((part) => (typeof (part as Json | null)?.text === 'string' ? [(part as Json).text as string] : []));
  return texts.length === 0 ? undefined : texts.join(' ');
}

function inputText(input: unknown): string | undefined {
  if (typeof input === 'string') return input;
  if (!Array.isArray(input) || typeof input[0] !== 'string') return undefined;
  if (input.length === 1) return input[0];
  // Embeddings' many inputs: as many as search keeps, not a copy of a body of thousands.
  let text = input[0];
  for (let i = 1; i < input.length && text.length < SEARCH_CHARS; i++) if (typeof input[i] === 'string') text += `\n${input[i]}`;
  return text;
}

function parameterText(parameters: unknown): string | undefined {
  if (typeof parameters !== 'object' || parameters === null) return undefined;
  const values = Object.values(parameters).filter((value): value is string => typeof value === 'string');
  return values.length === 0 ? undefined : values.join(' ');
}
