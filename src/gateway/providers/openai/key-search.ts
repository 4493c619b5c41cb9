// Finding a quoted name ("model", "usage") in JSON text. JSON is full of quotes, and a search for a pattern that starts
// with one stops at every quote in the text; a search for the name and its closing quote, with a look at the
// character before each hit, stops only where the name's first letter is.

const QUOTE = 0x22;

/** A name as indexOfQuoted() searches for it: the name and its closing quote. */
export type QuotedName = `${string}"`;

/** The index of `"name"` in `text` at or after `from` (as `text.indexOf('"name"', from)`), or -1. */
export function indexOfQuoted(text: string, nameAndQuote: QuotedName, from = 0): number {
  for (let at = text.indexOf(nameAndQuote, from + 1); at !== -1; at = text.indexOf(nameAndQuote, at + 1)) {
    if (text.charCodeAt(at - 1) === QUOTE) return at - 1;
  }
  return -1;
}

/** The index just past a `"name"` that indexOfQuoted() found at `at`: its opening quote, the name and its closing quote. */
export function endOfQuoted(at: number, nameAndQuote: QuotedName): number {
  return at + 1 + nameAndQuote.length;
}
