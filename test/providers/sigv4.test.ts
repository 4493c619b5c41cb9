import { describe, expect, it } from 'vitest';
import { signRequest } from '../../src/gateway/providers/bedrock/sigv4.js';

// Vectors from AWS's Signature Version 4 test suite (aws-c-auth's aws-signing-test-suite/v4) and the worked IAM
// example of AWS's signing documentation: credentials AKIDEXAMPLE, 2015-08-30T12:36:00Z, us-east-1.
const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const scope = { region: 'us-east-1', service: 'service', date: new Date('2015-08-30T12:36:00Z') };
const host = 'example.amazonaws.com';

function authorization(signedHeaders: string, signature: string, service = 'service'): string {
  return `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/${service}/aws4_request, SignedHeaders=${signedHeaders}, Signature=${signature}`;
}

describe('SigV4 signing, against AWS’s published test suite', () => {
  it('get-vanilla', () => {
    const headers = signRequest({ method: 'GET', host, path: '/', headers: {}, body: '' }, credentials, scope);
    expect(headers['x-amz-date']).toBe('20150830T123600Z');
    expect(headers.authorization).toBe(
      authorization('host;x-amz-date', '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31'),
    );
  });

  it('post-vanilla', () => {
    const headers = signRequest({ method: 'POST', host, path: '/', headers: {}, body: '' }, credentials, scope);
    expect(headers.authorization).toBe(
      authorization('host;x-amz-date', '5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b'),
    );
  });

  it('get-vanilla-query-order-key-case: sorts the query', () => {
    const headers = signRequest(
      { method: 'GET', host, path: '/', query: 'Param2=value2&Param1=value1', headers: {}, body: '' },
      credentials,
      scope,
    );
    expect(headers.authorization).toBe(
      authorization('host;x-amz-date', 'b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500'),
    );
  });

  it('get-utf8: encodes the path', () => {
    const headers = signRequest({ method: 'GET', host, path: '/ሴ', headers: {}, body: '' }, credentials, scope);
    expect(headers.authorization).toBe(
      authorization('host;x-amz-date', '8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85'),
    );
  });

  it('get-vanilla-with-session-token: signs the token', () => {
    const sessionToken = '6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267';
    const headers = signRequest({ method: 'GET', host, path: '/', headers: {}, body: '' }, { ...credentials, sessionToken }, scope);
    expect(headers['x-amz-security-token']).toBe(sessionToken);
    expect(headers.authorization).toBe(
      authorization('host;x-amz-date;x-amz-security-token', '07ec1639c89043aa0e3e2de82b96708f198cceab042d4a97044c66dd9f74e7f8'),
    );
  });

  it('post-x-www-form-urlencoded: signs a body and its content type', () => {
    const request = {
      method: 'POST',
      host,
      path: '/',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'Param1=value1',
    };
    const headers = signRequest(request, credentials, scope);
    expect(headers.authorization).toBe(
      authorization('content-type;host;x-amz-date', 'ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a'),
    );
  });

  it('the IAM ListUsers example of the signing documentation', () => {
    const request = {
      method: 'GET',
      host: 'iam.amazonaws.com',
      path: '/',
      query: 'Action=ListUsers&Version=2010-05-08',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body: '',
    };
    const headers = signRequest(request, credentials, { ...scope, service: 'iam' });
    expect(headers.authorization).toBe(
      authorization('content-type;host;x-amz-date', '5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7', 'iam'),
    );
  });
});
