import { describe, expect, it } from 'vitest';
import { errorCatalogue } from '../../src/errors/catalogue.js';
import {
  AuthenticationError,
  type CodeWithStatus,
  ConflictError,
  PermissionDeniedError,
  RateLimitError,
} from '../../src/errors/shuttle-error.js';

// Each class takes only the codes answered with its status; `npm run typecheck` (which covers test/) fails on these
// lines if a class ever accepts a code of another status again.
// @ts-expect-error a 409 code is no authentication error
const _conflictAsAuthentication = () => new AuthenticationError('conflict');
// @ts-expect-error a 401 code is no rate limit
const _authenticationAsRateLimit = () => new RateLimitError('invalid_api_key');

describe('error classes', () => {
  it('imply their status: every code a class accepts is answered with that status', () => {
    const classes = [
      [AuthenticationError, 401],
      [PermissionDeniedError, 403],
      [ConflictError, 409],
      [RateLimitError, 429],
    ] as const;
    for (const [ErrorClass, status] of classes) {
      const codes = Object.keys(errorCatalogue).filter(
        (code) => errorCatalogue[code as keyof typeof errorCatalogue].status === status,
      ) as CodeWithStatus<typeof status>[];
      expect(codes.length, ErrorClass.name).toBeGreaterThan(0);
      for (const code of codes) expect(new ErrorClass(code as never).status, `${ErrorClass.name} ${code}`).toBe(status);
    }
    expect([_conflictAsAuthentication, _authenticationAsRateLimit]).toHaveLength(2);
  });
});
