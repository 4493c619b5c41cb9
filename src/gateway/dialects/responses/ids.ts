// Ids of responses and of their output items. An item's id carries its response's, so that an item_reference
// (which clients such as the AI SDK send for earlier output) is found with one lookup of the stored response.
import { randomBase62 } from '../../../store/ids.js';

const RESPONSE_PREFIX = 'resp_';

export function newResponseId(): string {
  return `${RESPONSE_PREFIX}${randomBase62(24)}`;
}

export type ItemKind = 'msg' | 'fc' | 'rs';

/** `msg_<response's random part>_<output index>`. */
export function outputItemId(kind: ItemKind, responseId: string, outputIndex: number): string {
  return `${kind}_${responseId.slice(RESPONSE_PREFIX.length)}_${outputIndex}`;
}

/** The response an output item id belongs to; undefined for ids Shuttle did not make. */
export function responseIdOfItem(itemId: string): string | undefined {
  const match = /^(?:msg|fc|rs)_([0-9A-Za-z]{24})_\d+$/.exec(itemId);
  return match ? `${RESPONSE_PREFIX}${match[1]}` : undefined;
}

export function isResponseId(id: string): boolean {
  return /^resp_[0-9A-Za-z]{24}$/.test(id);
}
