// Stored responses on SQLite and PostgreSQL: store (the default) then GET, previous_response_id and item_reference
// continuing a conversation, on another instance too; store: false, another tenant's ids, deletion and retention.

import OpenAI from 'openai';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { provisionTenant } from '../../src/auth/provisioning.js';
import { RunRetention } from '../../src/flows/run-retention.js';
import { call, login } from '../helpers/api.js';
import { DIALECTS, POSTGRES_URL } from '../helpers/databases.js';
import { type FakeUpstream, startFakeOpenAi } from '../helpers/fake-openai.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';

/**
 * Holds every insert into stored_responses while letting reads through, from a PostgreSQL connection of the test's
 * own: a SHARE lock on the table. Resolves with its release.
 */
async function holdWrites(url: string): Promise<() => Promise<void>> {
  const schema = new URL(url).searchParams.get('schema') as string;
  const locker = new pg.Client({ connectionString: POSTGRES_URL, options: `-c search_path=${schema}` });
  await locker.connect();
  await locker.query('BEGIN');
  await locker.query('LOCK TABLE stored_responses IN SHARE MODE');
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    await locker.query('COMMIT');
    await locker.end();
  };
}

/** openai-node's Response type leaves out `store`, which the API answers with. */
const storeOf = (response: OpenAI.Responses.Response): unknown => (response as unknown as { store: unknown }).store;

describe.each(DIALECTS)('stored responses on %s', (dialect) => {
  let upstream: FakeUpstream;
  let gateway: TestGateway;
  let second: TestGateway;
  let client: OpenAI;
  let otherClient: OpenAI;

  beforeAll(async () => {
    upstream = await startFakeOpenAi();
    const env = { OPENAI_API_KEY: 'sk-upstream-test', OPENAI_BASE_URL: upstream.baseUrl };
    gateway = await startGateway({ dialect, env });
    second = await startGateway({ dialect, env, sharing: gateway });
    client = new OpenAI({ apiKey: gateway.masterKey, baseURL: gateway.api, maxRetries: 0 });
    const other = await provisionTenant(gateway.shuttle.runtime.db, {
      tenantName: 'Other',
      email: 'other@x.test',
      password: 'other password',
    });
    otherClient = new OpenAI({ apiKey: other.masterKey, baseURL: gateway.api, maxRetries: 0 });
  });

  afterAll(async () => {
    await second?.close();
    await gateway?.close();
    await upstream?.close();
  });

  const onSecond = (path: string, method = 'GET') => call(second, method, path, { auth: gateway.masterKey });

  it('stores a response by default: GET answers it, on this instance and on another at once', async () => {
    const created = await client.responses.create({ model: 'mock/echo', input: 'Remember me', metadata: { topic: 'memory' } });
    expect(storeOf(created)).toBe(true);
    const fetched = await client.responses.retrieve(created.id);
    expect(fetched).toMatchObject({ id: created.id, status: 'completed', output_text: 'Remember me', metadata: { topic: 'memory' } });
    expect(fetched.output).toEqual(created.output);
    expect(fetched.usage).toEqual(created.usage);

    const elsewhere = await onSecond(`/responses/${created.id}`);
    expect(elsewhere.status).toBe(200);
    expect(elsewhere.body).toMatchObject({ id: created.id, object: 'response', output: created.output });
  });

  it('continues a conversation with previous_response_id, on another instance, sending the stored turns first', async () => {
    const first = await client.responses.create({ model: 'openai/gpt-4o-mini', instructions: 'Be kind.', input: 'My name is Ada.' });
    const secondClient = new OpenAI({ apiKey: gateway.masterKey, baseURL: second.api, maxRetries: 0 });
    const next = await secondClient.responses.create({
      model: 'openai/gpt-4o-mini',
      previous_response_id: first.id,
      input: 'What is my name?',
    });
    expect(next.previous_response_id).toBe(first.id);
    // Instructions are not carried over from the previous response (as OpenAI documents).
    expect(upstream.last().body.messages).toEqual([
      { role: 'user', content: 'My name is Ada.' },
      { role: 'assistant', content: 'Hello there' },
      { role: 'user', content: 'What is my name?' },
    ]);
    // A chain of three: the second's stored conversation holds the first's turns.
    await client.responses.create({ model: 'openai/gpt-4o-mini', previous_response_id: next.id, input: 'And again?' });
    expect((upstream.last().body.messages as unknown[]).length).toBe(5);
  });

  it('resolves item_reference items to the stored output items they name', async () => {
    const first = await client.responses.create({ model: 'openai/gpt-4o-mini', input: 'Say hello.' });
    const itemId = first.output[0]?.id as string;
    await client.responses.create({
      model: 'openai/gpt-4o-mini',
      input: [
        { role: 'user', content: 'Say hello.' },
        { type: 'item_reference', id: itemId },
        { role: 'user', content: 'Again.' },
      ],
    });
    expect(upstream.last().body.messages).toEqual([
      { role: 'user', content: 'Say hello.' },
      { role: 'assistant', content: 'Hello there' },
      { role: 'user', content: 'Again.' },
    ]);
    const missing = await client.responses
      .create({ model: 'openai/gpt-4o-mini', input: [{ type: 'item_reference', id: 'msg_000000000000000000000000_0' }] })
      .catch((e) => e);
    expect(missing).toBeInstanceOf(OpenAI.NotFoundError);
  });

  it('stores a streamed response once it completes', async () => {
    const stream = await client.responses.create({ model: 'openai/gpt-4o-mini', input: 'Stream and keep', stream: true });
    let id = '';
    for await (const event of stream) if (event.type === 'response.completed') id = event.response.id;
    const fetched = await client.responses.retrieve(id);
    expect(fetched).toMatchObject({ status: 'completed', output_text: 'Hello there' });
  });

  it('keeps nothing with store: false', async () => {
    const created = await client.responses.create({ model: 'mock/echo', input: 'Forget me', store: false });
    expect(storeOf(created)).toBe(false);
    await gateway.shuttle.runtime.responseStore.flush();
    await expect(client.responses.retrieve(created.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    const chained = await client.responses.create({ model: 'mock/echo', input: 'x', previous_response_id: created.id }).catch((e) => e);
    expect(chained).toBeInstanceOf(OpenAI.NotFoundError);
  });

  it('scopes stored responses to their tenant: another tenant gets 404 for GET, DELETE and previous_response_id', async () => {
    const mine = await client.responses.create({ model: 'mock/echo', input: 'Private' });
    await gateway.shuttle.runtime.responseStore.flush();
    const get = await otherClient.responses.retrieve(mine.id).catch((e) => e);
    expect(get).toBeInstanceOf(OpenAI.NotFoundError);
    expect(get.error).toMatchObject({ type: 'not_found_error', code: 'not_found' });
    await expect(otherClient.responses.delete(mine.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    const chained = await otherClient.responses.create({ model: 'mock/echo', input: 'x', previous_response_id: mine.id }).catch((e) => e);
    expect(chained).toBeInstanceOf(OpenAI.NotFoundError);
    const reference = await otherClient.responses
      .create({ model: 'mock/echo', input: [{ type: 'item_reference', id: mine.output[0]?.id as string }] })
      .catch((e) => e);
    expect(reference).toBeInstanceOf(OpenAI.NotFoundError);
    expect((await client.responses.retrieve(mine.id)).id).toBe(mine.id);
  });

  it('deletes a stored response', async () => {
    const created = await client.responses.create({ model: 'mock/echo', input: 'Delete me' });
    await client.responses.delete(created.id);
    await expect(client.responses.retrieve(created.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    await expect(client.responses.delete(created.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });

  it('follows the tenant’s retention: nothing stored at 0 days, and the sweep deletes responses past the period', async () => {
    const kept = await client.responses.create({ model: 'mock/echo', input: 'Old news' });
    await gateway.shuttle.runtime.responseStore.flush();
    const runtime = gateway.shuttle.runtime;
    const retention = new RunRetention(runtime.repos.tenants, runtime.repos.flowRuns, runtime.logger, runtime.repos.storedResponses);
    await retention.sweep(Date.now());
    expect((await client.responses.retrieve(kept.id)).id).toBe(kept.id);
    await retention.sweep(Date.now() + 31 * 86_400_000);
    await expect(client.responses.retrieve(kept.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);

    const token = await login(gateway);
    expect((await call(gateway, 'PATCH', '/tenant', { auth: token, body: { runRetentionDays: 0 } })).status).toBe(200);
    try {
      const unstored = await client.responses.create({ model: 'mock/echo', input: 'Not kept' });
      expect(storeOf(unstored)).toBe(false);
      await gateway.shuttle.runtime.responseStore.flush();
      await expect(client.responses.retrieve(unstored.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    } finally {
      await call(gateway, 'PATCH', '/tenant', { auth: token, body: { runRetentionDays: 30 } });
    }
  });

  it('writes stored responses on the writer thread, never with the event loop’s connection', async () => {
    const insertRows = vi.spyOn(gateway.shuttle.runtime.repos.storedResponses, 'insertRows');
    try {
      const created = await client.responses.create({ model: 'mock/echo', input: 'Off the loop' });
      expect((await onSecond(`/responses/${created.id}`)).status).toBe(200);
      expect(insertRows).not.toHaveBeenCalled();
    } finally {
      insertRows.mockRestore();
    }
  });

  // PostgreSQL only: a test cannot hold SQLite's write lock without also holding up the writes that the server's own
  // connection makes on timers (keys' last use), which then wait on the event loop itself.
  it.runIf(dialect === 'postgres')('answers within a second while the database holds the write up, and stores it once it can', async () => {
    const release = await holdWrites(gateway.database.url);
    try {
      const created = await client.responses.create({ model: 'mock/echo', input: 'Held up' });
      expect(storeOf(created)).toBe(true);
      // This instance reads it from memory; another cannot see it until the write is through.
      expect((await client.responses.retrieve(created.id)).output_text).toBe('Held up');
      expect((await onSecond(`/responses/${created.id}`)).status).toBe(404);
      await release();
      await gateway.shuttle.runtime.responseStore.flush();
      expect((await onSecond(`/responses/${created.id}`)).body).toMatchObject({ id: created.id, status: 'completed' });
    } finally {
      await release();
    }
  });
});
