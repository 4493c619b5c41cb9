// "Copy as curl" on the Logs page: a command that sends the logged request again to this gateway, with the
// $SHUTTLE_API_KEY placeholder and never a secret; it runs in a real shell and sends exactly the logged body.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { curlCommand, shellQuote } from '../../web/src/pages/logs/curl.js';

const ORIGIN = 'https://gateway.example';

/** What a shell makes of the command's words: each argument curl would get, printed one per line. */
function argumentsOf(command: string): string[] {
  const printed = execFileSync('sh', ['-c', `curl() { for word in "$@"; do printf '%s\\0' "$word"; done; }\n${command}`], {
    env: { PATH: process.env.PATH ?? '', SHUTTLE_API_KEY: 'ps_placeholder_value' },
    encoding: 'utf8',
  });
  return printed.split('\0').slice(0, -1);
}

describe('copy as curl', () => {
  it('posts the logged body to the endpoint, with the key from $SHUTTLE_API_KEY', () => {
    const body = { model: 'mock/echo', messages: [{ role: 'user', content: "It's a test; $HOME `whoami`" }] };
    const command = curlCommand({ endpoint: 'chat.completions', customerId: null, flowId: null, body }, ORIGIN);
    expect(command).toContain('Authorization: Bearer $SHUTTLE_API_KEY');
    expect(argumentsOf(command ?? '')).toEqual([
      `${ORIGIN}/api/v1/chat/completions`,
      '-H',
      'Authorization: Bearer ps_placeholder_value',
      '-H',
      'Content-Type: application/json',
      '-d',
      JSON.stringify(body),
    ]);
  });

  it('sends the customer header unless the body names the customer, and streams without buffering', () => {
    const body = { model: 'mock/echo', stream: true, messages: [] };
    const words = argumentsOf(curlCommand({ endpoint: 'messages', customerId: 'acme-corp-42', flowId: null, body }, ORIGIN) ?? '');
    expect(words.slice(0, 2)).toEqual(['--no-buffer', `${ORIGIN}/api/v1/messages`]);
    expect(words).toContain('X-Shuttle-Customer-Id: acme-corp-42');

    const named = { model: 'mock/echo', user: 'acme-corp-42', input: 'hi' };
    expect(curlCommand({ endpoint: 'embeddings', customerId: 'acme-corp-42', flowId: null, body: named }, ORIGIN)).not.toContain(
      'X-Shuttle-Customer-Id',
    );
  });

  it('runs a flow at its own path', () => {
    const body = { parameters: { question: 'Why?' }, customerId: 'acme-corp-42' };
    const words = argumentsOf(curlCommand({ endpoint: 'flows.run', customerId: 'acme-corp-42', flowId: 'flw_123', body }, ORIGIN) ?? '');
    expect(words[0]).toBe(`${ORIGIN}/api/v1/flows/flw_123/runs`);
    expect(words).not.toContain('X-Shuttle-Customer-Id: acme-corp-42');
    expect(curlCommand({ endpoint: 'responses', customerId: null, flowId: null, body: { input: 'x' } }, ORIGIN)).toContain(
      `${ORIGIN}/api/v1/responses`,
    );
  });

  it('has no command without a whole body (level metadata, truncated) or for an unknown endpoint', () => {
    expect(curlCommand({ endpoint: 'chat.completions', customerId: null, flowId: null, body: null }, ORIGIN)).toBeNull();
    expect(curlCommand({ endpoint: 'chat.completions', customerId: null, flowId: null, body: '{"model":"mo' }, ORIGIN)).toBeNull();
    expect(curlCommand({ endpoint: 'flows.run', customerId: null, flowId: null, body: {} }, ORIGIN)).toBeNull();
    expect(curlCommand({ endpoint: 'audio.speech', customerId: null, flowId: null, body: {} }, ORIGIN)).toBeNull();
  });

  it('quotes any text for a POSIX shell', () => {
    for (const text of ["it's", "'", '$(rm -rf /)', 'a\nb', '"\\']) expect(argumentsOf(`curl ${shellQuote(text)}`)).toEqual([text]);
  });
});
