// AWS Signature Version 4 (header signing), enough for Bedrock: canonical request, string to sign, derived key.
// Checked against AWS's published SigV4 test suite (test/providers/sigv4.test.ts).
import { createHash, createHmac } from 'node:crypto';

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string | undefined;
}

export interface SignableRequest {
  method: string;
  /** The Host header as sent: host, and the port when it is not the scheme's default. */
  host: string;
  /** The path as it goes on the wire (already percent-encoded); the canonical request encodes it once more. */
  path: string;
  /** The raw query string, without `?`. */
  query?: string;
  /** Headers to sign besides host and x-amz-date (names in any case). */
  headers: Record<string, string>;
  body: string;
}

export interface SigningScope {
  region: string;
  service: string;
  date: Date;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';

/** The headers that sign the request: x-amz-date, authorization, and x-amz-security-token with temporary credentials. */
export function signRequest(request: SignableRequest, credentials: AwsCredentials, scope: SigningScope): Record<string, string> {
  const amzDate = scope.date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  const day = amzDate.slice(0, 8);
  const added: Record<string, string> = { 'x-amz-date': amzDate };
  if (credentials.sessionToken) added['x-amz-security-token'] = credentials.sessionToken;

  const headers = new Map<string, string>();
  for (const [name, value] of Object.entries({ ...request.headers, host: request.host, ...added })) {
    headers.set(name.toLowerCase(), value.trim().replace(/\s+/g, ' '));
  }
  const names = [...headers.keys()].sort();
  const signedHeaders = names.join(';');
  const canonicalRequest = [
    request.method.toUpperCase(),
    canonicalPath(request.path),
    canonicalQuery(request.query ?? ''),
    `${names.map((name) => `${name}:${headers.get(name)}`).join('\n')}\n`,
    signedHeaders,
    sha256(request.body),
  ].join('\n');
  const credentialScope = `${day}/${scope.region}/${scope.service}/aws4_request`;
  const stringToSign = [ALGORITHM, amzDate, credentialScope, sha256(canonicalRequest)].join('\n');
  const key = [day, scope.region, scope.service, 'aws4_request'].reduce<Buffer | string>(
    (previous, part) => hmac(previous, part),
    `AWS4${credentials.secretAccessKey}`,
  );
  const signature = createHmac('sha256', key).update(stringToSign).digest('hex');
  added.authorization = `${ALGORITHM} Credential=${credentials.accessKeyId}/${credentialScope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return added;
}

/** RFC 3986 encoding with only unreserved characters left as they are, as SigV4 requires. */
export function uriEncode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
}

function canonicalPath(path: string): string {
  if (path === '') return '/';
  return path.split('/').map(uriEncode).join('/');
}

function canonicalQuery(query: string): string {
  if (query === '') return '';
  const pairs = query.split('&').map((pair) => {
    const at = pair.indexOf('=');
    const [name, value] = at < 0 ? [pair, ''] : [pair.slice(0, at), pair.slice(at + 1)];
    return [uriEncode(decodeURIComponent(name)), uriEncode(decodeURIComponent(value))] as const;
  });
  pairs.sort(([a, x], [b, y]) => (a === b ? (x < y ? -1 : x > y ? 1 : 0) : a < b ? -1 : 1));
  return pairs.map(([name, value]) => `${name}=${value}`).join('&');
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}
