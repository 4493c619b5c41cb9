import { mkdtempSync, readdirSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/database.js';
import { exited, runShuttle, serveShuttle, waitForOutput } from '../helpers/cli.js';
import { DIALECTS, freshDatabase, type TestDatabase } from '../helpers/databases.js';
import { chunk, completion, type FakeUpstream, sendEvent, sendJson, startFakeOpenAi, startSse } from '../helpers/fake-openai.js';

const SHUTDOWN_TIMEOUT_MS = 2_000;

describe.each(DIALECTS)('stopping with requests in flight on %s', (dialect) => {
  let database: TestDatabase | undefined;
  let upstream: FakeUpstream | undefined;

  afterEach(async () => {
    await upstream?.close();
    await database?.drop();
  });

  it('records a stream the shutdown timeout cuts (503, with the usage so far), and refuses requests that arrive while draining', async () => {
    // Streams never finish; a plain completion answers after a while, within the shutdown timeout.
    upstream = await startFakeOpenAi(async (request, res) => {
      if (request.body.stream === true) {
        startSse(res);
        sendEvent(res, chunk({ role: 'assistant', content: '' }));
        sendEvent(res, chunk({ content: 'Hello there, this is as far as it gets' }));
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 800));
      sendJson(res, 200, completion('Hello there'));
    });
    database = await freshDatabase(dialect);
    const dataDir = mkdtempSync(join(tmpdir(), 'shuttle-stop-'));
    const env = { DATABASE_URL: database.url, SHUTTLE_DATA_DIR: dataDir, OPENAI_API_KEY: 'sk-upstream', OPENAI_BASE_URL: upstream.baseUrl };
    const boot = await runShuttle(
      ['bootstrap', '--tenant', 'Stop', '--email', 'stop@test.dev', '--password', 'stop test password', '--json'],
      env,
    );
    expect(boot.code, boot.stderr).toBe(0);
    const { masterKey, tenantId } = JSON.parse(boot.stdout) as { masterKey: string; tenantId: string };
    const served = await serveShuttle({ ...env, SHUTTLE_SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS) });
    const { child } = served;
    const url = new URL(served.url);

    // A stream that has sent its first words and will never end.
    const body = (stream: boolean) => JSON.stringify({ model: 'openai/gpt-4o-mini', stream, messages: [{ role: 'user', content: 'hi' }] });
    const streamed = await fetch(`${url.origin}/api/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${masterKey}`, 'content-type': 'application/json' },
      body: body(true),
    });
    const streamId = streamed.headers.get('x-request-id');
    const reader = (streamed.body as ReadableStream<Uint8Array>).getReader();
    let seen = '';
    while (!seen.includes('as far as it gets')) seen += new TextDecoder().decode((await reader.read()).value);

    // Two requests on one connection: the second sent while the server drains, the first still with the provider.
    const socket = connect(Number(url.port), url.hostname);
    let raw = '';
    socket.on('data', (data) => {
      raw += data;
    });
    const socketClosed = new Promise((resolve) => socket.once('close', resolve));
    const post = `POST /api/v1/chat/completions HTTP/1.1\r\nhost: ${url.host}\r\nauthorization: Bearer ${masterKey}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body(false))}\r\n\r\n${body(false)}`;
    socket.write(post);
    await new Promise((resolve) => setTimeout(resolve, 200)); // the first is with the provider
    child.kill('SIGTERM');
    await waitForOutput(child, /"msg":"stopping/);
    socket.write(post);
    expect(await exited(child)).toBe(0);
    await socketClosed;
    await reader.read().catch(() => undefined);

    const [first, second] = raw.split(/(?=HTTP\/1\.1 )/);
    expect(first).toMatch(/^HTTP\/1\.1 200 /);
    expect(second).toMatch(/^HTTP\/1\.1 503 /);
    expect(second).toMatch(/\r\nretry-after: 1\r\n/i);
    expect(second).toMatch(/\r\nx-request-id: req_\w+\r\n/i);
    const refusal = JSON.parse((second as string).slice((second as string).indexOf('\r\n\r\n') + 4)) as Record<string, unknown>;
    expect(refusal).toEqual({
      error: { message: 'The gateway is shutting down.', type: 'server_error', code: 'shutting_down', param: null },
    });

    const db = await openDatabase(database.url);
    try {
      const rows = await db.selectFrom('usage_events').selectAll().where('tenant_id', '=', tenantId).execute();
      const cut = rows.find((row) => row.id === streamId);
      expect(cut).toMatchObject({ status: 503, error_code: 'shutting_down' });
      expect(Number(cut?.completion_tokens)).toBeGreaterThan(0);
      expect(Number(cut?.prompt_tokens)).toBeGreaterThan(0);
      expect(Number(cut?.cost_micros)).toBeGreaterThan(0);
      // The answered one is recorded too; the refused one never reached authentication.
      expect(rows.map((row) => row.status).sort()).toEqual([200, 503]);
      // In the database before the process ended: nothing spilled for a later start, no journal left.
      expect(readdirSync(dataDir)).toEqual([]);
    } finally {
      await db.destroy();
    }
  }, 240_000);
});
