import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERRORS_PATH, OPENAPI_PATH, renderErrorDocs, renderOpenApi, renderWebTypes, WEB_TYPES_PATH } from '../scripts/docs.js';

describe('generated documentation', () => {
  it('docs/errors.md matches the error catalogue (run npm run docs)', () => {
    expect(readFileSync(ERRORS_PATH, 'utf8')).toBe(renderErrorDocs());
  });

  it('docs/openapi.json matches the route schemas (run npm run docs)', async () => {
    expect(readFileSync(OPENAPI_PATH, 'utf8')).toBe(await renderOpenApi());
  });

  it("the dashboard's API types match docs/openapi.json (run npm run docs)", async () => {
    expect(readFileSync(WEB_TYPES_PATH, 'utf8')).toBe(await renderWebTypes(readFileSync(OPENAPI_PATH, 'utf8')));
  });
});
