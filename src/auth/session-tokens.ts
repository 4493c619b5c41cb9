// Dashboard session tokens: short-lived HS256 JWTs. Each carries the user's token version, so changing the password
// or logging out everywhere (which bump the version) invalidates every token issued before.
import { errors, jwtVerify, SignJWT } from 'jose';
import { AuthenticationError } from '../errors/shuttle-error.js';
import { randomBase62 } from '../store/ids.js';
import { deriveKey } from './secret-keys.js';

const ISSUER = 'shuttle';
const AUDIENCE = 'shuttle-dashboard';

export interface IssuedToken {
  token: string;
  expiresAt: Date;
}

export interface TokenClaims {
  userId: string;
  tokenVersion: number;
}

export class SessionTokens {
  private readonly key: Uint8Array;

  constructor(
    secret: string,
    private readonly ttlSeconds: number,
  ) {
    this.key = deriveKey(secret, 'session-tokens');
  }

  async issue(userId: string, tokenVersion: number): Promise<IssuedToken> {
    const issuedAt = Math.floor(Date.now() / 1000);
    const expiresAt = issuedAt + this.ttlSeconds;
    const token = await new SignJWT({ ver: tokenVersion })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(userId)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt(issuedAt)
      .setExpirationTime(expiresAt)
      .setJti(randomBase62(16))
      .sign(this.key);
    return { token, expiresAt: new Date(expiresAt * 1000) };
  }

  async verify(token: string): Promise<TokenClaims> {
    try {
      const { payload } = await jwtVerify(token, this.key, {
        issuer: ISSUER,
        audience: AUDIENCE,
        algorithms: ['HS256'],
        // A token that never expires is refused, whoever signed it.
        requiredClaims: ['exp', 'iat', 'sub'],
      });
      if (typeof payload.sub !== 'string' || typeof payload.ver !== 'number') throw new AuthenticationError('invalid_token');
      return { userId: payload.sub, tokenVersion: payload.ver };
    } catch (error) {
      if (error instanceof errors.JWTExpired) {
        throw new AuthenticationError('invalid_token', { message: 'The session has expired; log in again.' });
      }
      throw new AuthenticationError('invalid_token');
    }
  }
}

/** JWTs are three base64url parts; anything else presented as a bearer credential is treated as an API key. */
export function looksLikeSessionToken(credential: string): boolean {
  return credential.startsWith('eyJ') && credential.split('.').length === 3;
}
