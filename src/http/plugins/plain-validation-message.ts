// Zod's default issue messages ("Invalid input: expected number, received null") in plain words ("must be a
// number"), so an API caller and the dashboard can show them to people as they are. A message a schema wrote
// itself (`.regex(…, 'must be a lower-case name such as production')`) is kept.

/** The parts of a Zod issue that fastify-type-provider-zod passes on in `params`. */
export interface ZodIssueParams {
  expected?: unknown;
  origin?: unknown;
  minimum?: unknown;
  maximum?: unknown;
  inclusive?: unknown;
  values?: unknown;
  format?: unknown;
  keys?: unknown;
}

/** Zod's own messages start so; the ones this project's schemas write start with "must". */
const ZOD_DEFAULT_MESSAGE = /^(Invalid |Too small|Too big|Unrecognized key)/;

const TYPE_WORDS: Record<string, string> = {
  number: 'a number',
  int: 'a whole number',
  string: 'text',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
  bigint: 'a whole number',
  date: 'a date',
};

const FORMAT_WORDS: Record<string, string> = {
  email: 'must be an email address',
  url: 'must be a URL',
  datetime: 'must be an ISO 8601 date-time, e.g. 2026-01-31T12:00:00Z',
  uuid: 'must be a UUID',
};

export function plainValidationMessage(code: string | undefined, message: string, params: ZodIssueParams = {}): string {
  if (!ZOD_DEFAULT_MESSAGE.test(message)) return message;
  switch (code) {
    case 'invalid_type': {
      const expected = String(params.expected);
      return `must be ${TYPE_WORDS[expected] ?? expected}`;
    }
    case 'too_small':
      return sizeMessage('at least', 'more than', params.origin, params.minimum, params.inclusive) ?? message;
    case 'too_big':
      return sizeMessage('at most', 'less than', params.origin, params.maximum, params.inclusive) ?? message;
    case 'invalid_value': {
      const values = Array.isArray(params.values) ? params.values.map((value) => JSON.stringify(value)) : [];
      if (values.length === 1) return `must be ${values[0]}`;
      return values.length > 1 ? `must be one of ${values.join(', ')}` : message;
    }
    case 'invalid_format':
      return FORMAT_WORDS[String(params.format)] ?? 'is not in the expected format';
    case 'unrecognized_keys': {
      const keys = Array.isArray(params.keys) ? params.keys.map((key) => `'${String(key)}'`) : [];
      return keys.length > 0 ? `unknown ${keys.length === 1 ? 'field' : 'fields'} ${keys.join(', ')}` : message;
    }
    default:
      return message;
  }
}

function sizeMessage(inclusiveWord: string, exclusiveWord: string, origin: unknown, bound: unknown, inclusive: unknown): string | null {
  if (typeof bound !== 'number' && typeof bound !== 'bigint') return null;
  const limit = Number(bound);
  const word = inclusive === false ? exclusiveWord : inclusiveWord;
  switch (origin) {
    case 'string':
      if (limit === 1 && word === 'at least') return 'must not be empty';
      return `must be ${word} ${limit} ${limit === 1 ? 'character' : 'characters'} long`;
    case 'array':
    case 'set':
      if (limit === 1 && word === 'at least') return 'must not be empty';
      return `must have ${word} ${limit} ${limit === 1 ? 'item' : 'items'}`;
    case 'number':
    case 'int':
    case 'bigint':
      return `must be ${word} ${limit}`;
    default:
      return null;
  }
}
