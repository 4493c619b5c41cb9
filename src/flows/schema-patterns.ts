// The regular expressions of tenant-supplied JSON Schemas (`pattern`, `patternProperties` in tool parameters and
// flow response schemas), which ajv runs with Node's backtracking engine: a pattern like `(a+)+$` takes exponential
// time on a short non-matching string and would stall the process. No linear-time engine (RE2) is available, so
// patterns are bounded when the schema compiles (ajv's `code.regExp` option): at most 512 characters, no
// backreferences, and no repeated group that itself repeats or has alternatives (`(a+)+`, `(a|ab)*`).
import type { RegExpEngine } from 'ajv/dist/types/index.js';

export const MAX_PATTERN_LENGTH = 512;

/** Why a pattern is refused, or null when it is accepted. */
export function unsafePattern(pattern: string): string | null {
  if (pattern.length > MAX_PATTERN_LENGTH) return `it is longer than ${MAX_PATTERN_LENGTH} characters`;
  interface Group {
    /** Something inside repeats (a quantifier allowing more than one), or is an alternation. */
    risky: boolean;
    reason: string;
  }
  const stack: Group[] = [{ risky: false, reason: '' }];
  let i = 0;
  /** The quantifier at i, if any: whether it allows more than one repetition, and its length. */
  const quantifier = (at: number): { repeats: boolean; length: number } | null => {
    const c = pattern[at];
    if (c === '*' || c === '+') return { repeats: true, length: pattern[at + 1] === '?' ? 2 : 1 };
    if (c === '?') return { repeats: false, length: pattern[at + 1] === '?' ? 2 : 1 };
    if (c === '{') {
      const match = /^\{(\d+)(,(\d*))?\}\??/.exec(pattern.slice(at));
      if (!match) return null;
      const max = match[2] === undefined ? Number(match[1]) : match[3] === '' ? Number.POSITIVE_INFINITY : Number(match[3]);
      return { repeats: max > 1, length: match[0].length };
    }
    return null;
  };
  /** After an atom (ending before i): its quantifier, if any, applied to `inner` (the atom's own risk). */
  const quantify = (inner: Group | null): string | null => {
    const q = quantifier(i);
    const top = stack[stack.length - 1] as Group;
    if (q) i += q.length;
    if (q?.repeats) {
      if (inner?.risky) return `a repeated group ${inner.reason} (nested quantifiers can take exponential time)`;
      top.risky = true;
      top.reason ||= 'with a quantifier inside';
    }
    if (inner?.risky) {
      top.risky = true;
      top.reason ||= inner.reason;
    }
    return null;
  };
  while (i < pattern.length) {
    const c = pattern[i] as string;
    let refused: string | null = null;
    if (c === '\\') {
      const next = pattern[i + 1] ?? '';
      if (/[1-9]/.test(next) || next === 'k') return 'it has a backreference';
      i += 2;
      refused = quantify(null);
    } else if (c === '[') {
      i++;
      if (pattern[i] === '^') i++;
      if (pattern[i] === ']') i++;
      while (i < pattern.length && pattern[i] !== ']') i += pattern[i] === '\\' ? 2 : 1;
      i++;
      refused = quantify(null);
    } else if (c === '(') {
      i++;
      if (pattern[i] === '?') {
        const head = /^\?(?::|=|!|<=|<!|<[A-Za-z_$][\w$]*>)/.exec(pattern.slice(i));
        i += head ? head[0].length : 1;
      }
      stack.push({ risky: false, reason: '' });
    } else if (c === ')') {
      if (stack.length === 1) return 'its parentheses do not balance';
      const group = stack.pop() as Group;
      i++;
      refused = quantify(group);
    } else if (c === '|') {
      const top = stack[stack.length - 1] as Group;
      top.risky = true;
      top.reason ||= 'with alternatives';
      i++;
    } else {
      i++;
      refused = quantify(null);
    }
    if (refused) return refused;
  }
  return null;
}

/** ajv's regular-expression engine for tenant schemas: native RegExp, for patterns that pass unsafePattern. */
export const boundedRegExp: RegExpEngine = Object.assign(
  (pattern: string, flags: string) => {
    const problem = unsafePattern(pattern);
    if (problem) throw new Error(`the pattern "${pattern.slice(0, 80)}" is refused: ${problem}`);
    return new RegExp(pattern, flags);
  },
  { code: 'boundedRegExp' },
);
