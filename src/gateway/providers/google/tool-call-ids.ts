// Gemini identifies a function call by name and may attach a thought signature that must come back with the call on
// the next turn. OpenAI clients echo tool-call ids verbatim, so the signature travels inside the id Shuttle makes up.
import { randomBase62 } from '../../../store/ids.js';
import type { FunctionCall } from './wire.js';

const SIGNATURE_SEPARATOR = '__thought__';

export function toolCallId(call: FunctionCall, thoughtSignature: string | undefined): string {
  const id = call.id ?? `call_${randomBase62(24)}`;
  return thoughtSignature ? `${id}${SIGNATURE_SEPARATOR}${thoughtSignature}` : id;
}

/** The thought signature carried in a tool-call id, if any. */
export function thoughtSignatureOf(toolCallId: string): string | undefined {
  const at = toolCallId.indexOf(SIGNATURE_SEPARATOR);
  return at < 0 ? undefined : toolCallId.slice(at + SIGNATURE_SEPARATOR.length);
}
