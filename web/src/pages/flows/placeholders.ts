// `[[snake_case]]` placeholders, found as the server finds them (src/flows/parameters.ts), so the editor can list a
// version's parameters while it is being written.
const PLACEHOLDER = /\[\[([a-z][a-z0-9_]*)\]\]/g;
const BRACKETED = /\[\[([^\]\n]*)\]\]/g;

export function placeholdersIn(text: string | undefined): string[] {
  if (!text) return [];
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((match) => match[1] as string))];
}

/** `[[Company]]`, `[[first name]]`: bracketed like a parameter but not one, so left in the prompt as written. */
export function notPlaceholdersIn(text: string | undefined): string[] {
  if (!text) return [];
  const found = [...text.matchAll(BRACKETED)].map((match) => match[1] as string).filter((name) => !/^[a-z][a-z0-9_]*$/.test(name));
  return [...new Set(found)];
}

export interface DetectedParameter {
  name: string;
  /** Where it appears: "System prompt", "User message" or both. */
  fields: string[];
}

export function detectParameters(fields: Record<string, string>): DetectedParameter[] {
  const found = new Map<string, string[]>();
  for (const [field, text] of Object.entries(fields)) {
    for (const name of placeholdersIn(text)) found.set(name, [...(found.get(name) ?? []), field]);
  }
  return [...found.entries()].map(([name, where]) => ({ name, fields: where }));
}
