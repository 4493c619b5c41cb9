// The `pattern` attributes for names the API checks with a regular expression, written for the `v` flag browsers
// compile them with: there a bare "-" inside [...] is a syntax error, and a pattern that does not compile is
// silently ignored (nothing would be checked before submitting). Same rules as the API's schemas.

/** Environments: `^[a-z][a-z0-9-]{0,31}$` in src/http/schemas/keys.ts. */
export const ENVIRONMENT_NAME_PATTERN = '[a-z][a-z0-9\\-]{0,31}';

/** Provider connections: `^[a-z0-9][a-z0-9-]{0,63}$` in src/http/routes/providers.ts. */
export const CONNECTION_NAME_PATTERN = '[a-z0-9][a-z0-9\\-]{0,63}';

/** HTTP statuses separated by commas or spaces: "429, 500 502". */
export const STATUS_LIST_PATTERN = '\\s*[1-5][0-9]{2}([\\s,]+[1-5][0-9]{2})*[\\s,]*';
