import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provisionTenant } from '../../src/auth/provisioning.js';
import { call, login } from '../helpers/api.js';
import { runShuttle } from '../helpers/cli.js';
import { DIALECTS } from '../helpers/databases.js';
import { completion, defaultHandler, type FakeUpstream, sendJson, startFakeOpenAi } from '../helpers/fake-openai.js';
import { flushUsage, startGateway, type TestGateway } from '../helpers/gateway.js';

// What a tenant's own provider connection (a host it controls) can answer: a model name with a NUL byte, which
// PostgreSQL cannot store in text, and token counts that are not numbers, which leave the event without a cost.
const NUL_MODEL = 'gpt-4o-mini\u0000evil';
const upstreamAnswers = (content: string) =>
  content.includes('nul model')
    ? completion('ok', { model: NUL_MODEL })
    : content.includes('bad usage')
      ? completion('ok', { usage: { prompt_tokens: 'lots', completion_tokens: 1, total_tokens: 'lots' } })
      : content.includes('nul answer')
        ? completion('a\u0000b')
        : undefined;
// A count JSON.parse reads as Infinity (JSON.stringify cannot write it, so the body is written by hand).
const INFINITE_USAGE = JSON.stringify(completion('ok')).replace('"prompt_tokens":1000', '"prompt_tokens":1e400');

const metric = async (gateway: TestGateway, kind: string): Promise<number> => {
  const text = await (await fetch(`${gateway.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`shuttle_dead_letters_total{kind="${kind}"}`));
  return Number(line?.split(' ')[1] ?? Number.NaN);
};

describe.each(DIALECTS)('one bad record never stops metering, on %s', (dialect) => {
  let upstream: FakeUpstream;
  let gateway: TestGateway;
  let other: { tenantId: string; masterKey: string };

  beforeAll(async () => {
    upstream = await startFakeOpenAi((request, res) => {
      const messages = request.body.messages as { content: string }[];
      const asked = messages.map((m) => m.content).join(' ');
      if (asked.includes('infinite usage')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(INFINITE_USAGE);
        return;
      }
      const answer = upstreamAnswers(asked);
      if (answer === undefined) return defaultHandler(request, res);
      sendJson(res, 200, answer);
    });
    gateway = await startGateway({
      dialect,
      captureLogs: true,
      // Batches are written only when the test flushes, so that it knows which events share one.
      env: { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: upstream.baseUrl, SHUTTLE_USAGE_FLUSH_MS: '3600000' },
    });
    const provisioned = await provisionTenant(gateway.shuttle.runtime.db, {
      tenantName: 'Mallory',
      email: 'owner@mallory.test',
      password: 'correct horse battery',
    });
    other = { tenantId: provisioned.tenant.id, masterKey: provisioned.masterKey };
  });

  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  const chat = (key: string, content: string) =>
    call(gateway, 'POST', '/chat/completions', { auth: key, body: { model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content }] } });
  const requests = async (key: string) => (await call(gateway, 'GET', '/usage?groupBy=none', { auth: key })).body.totals.requests as number;

  it('sets aside a usage event the database refuses, and writes every other event of its batch and the batches after it', async () => {
    const statuses = [
      (await chat(gateway.masterKey, 'hello')).status,
      (await chat(other.masterKey, 'bad usage')).status,
      (await chat(other.masterKey, 'infinite usage')).status,
      (await chat(gateway.masterKey, 'hello again')).status,
      (await chat(gateway.masterKey, 'and again')).status,
    ];
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    // A NUL byte cannot go into the x-shuttle-model header: the name is sent percent-encoded there.
    const nulModel = await chat(other.masterKey, 'nul model');
    expect(nulModel.status).toBe(200);
    expect(nulModel.headers.get('x-shuttle-model')).toBe(encodeURIComponent(NUL_MODEL));
    await flushUsage(gateway);
    expect(gateway.shuttle.runtime.usageWriter.depth).toBe(0);
    expect(await requests(gateway.masterKey)).toBe(3);

    await chat(gateway.masterKey, 'later');
    await chat(other.masterKey, 'a fine one');
    await flushUsage(gateway);
    expect(await requests(gateway.masterKey)).toBe(4);

    // The answer that failed is metered when its response has closed, which may trail the client's read a little.
    const usageLetters = () => gateway.shuttle.runtime.repos.deadLetters.list({ kind: 'usage_event' });
    for (let tries = 0; (await requests(other.masterKey)) + (await usageLetters()).length < 4 && tries < 100; tries++)
      await flushUsage(gateway);
    // SQLite stores a NUL byte as it is; PostgreSQL refuses it. Counts that are no counts are billed as the worst
    // case (test/metering/reported-usage.test.ts), so those events are written.
    const letters = await usageLetters();
    expect(letters.every((letter) => letter.tenant_id === other.tenantId)).toBe(true);
    const payloads = letters.map((letter) => JSON.parse(letter.payload));
    expect(payloads.map((payload) => payload.servedModel)).toEqual(dialect === 'postgres' ? [NUL_MODEL] : []);
    expect(await requests(other.masterKey)).toBe(dialect === 'postgres' ? 3 : 4);
    expect(await metric(gateway, 'usage_event')).toBe(letters.length);
    // Nor do such counts spoil the counters every tenant's requests add to.
    const scraped = await fetch(`${gateway.url}/metrics`);
    expect(scraped.status).toBe(200);
    const tokens = (await scraped.text()).split('\n').filter((line) => line.startsWith('shuttle_tokens_total{provider="openai"'));
    expect(tokens.map((line) => Number.isFinite(Number(line.split(' ')[1])))).toEqual([true, true]);
    const logged = gateway.logs().filter((line) => line.level === 40 && String(line.msg).includes('set aside as a dead letter'));
    expect(logged).toHaveLength(letters.length);
  });

  it('sets aside a flow run the database refuses, and writes the runs of its batch and after it', async () => {
    const flowIn = async (email: string): Promise<string> => {
      const token = await login(gateway, email);
      const admin = (path: string, body: unknown) => call(gateway, 'POST', path, { auth: token, body });
      expect((await admin('/flows', { title: 'Echo', slug: 'echo' })).status).toBe(201);
      const templates = { main: { template: 'Answer briefly.', userTemplate: 'Question: [[q]]', llm: 'openai/gpt-4o-mini' } };
      expect((await admin('/flows/echo/versions', { templates })).status).toBe(201);
      expect((await admin('/flows/echo/versions/1/environments', { environment: 'production' })).status).toBe(200);
      return token;
    };
    const ownToken = await flowIn('owner@acme.test');
    const otherToken = await flowIn('owner@mallory.test');
    const run = (key: string, q: string) => call(gateway, 'POST', '/flows/echo/runs', { auth: key, body: { parameters: { q } } });
    const runs = async (token: string) => (await call(gateway, 'GET', '/flows/echo/runs', { auth: token })).body.data.length as number;

    expect((await run(gateway.masterKey, 'first')).status).toBe(200);
    expect((await run(other.masterKey, 'nul answer')).status).toBe(200);
    // Counts that are no counts are billed as the worst case: answered and recorded like any other run.
    expect((await run(other.masterKey, 'bad usage')).status).toBe(200);
    expect((await run(gateway.masterKey, 'second')).status).toBe(200);
    await gateway.shuttle.runtime.flowRunWriter.flush();
    expect(gateway.shuttle.runtime.flowRunWriter.depth).toBe(0);
    expect(await runs(ownToken)).toBe(2);
    await run(gateway.masterKey, 'third');
    await gateway.shuttle.runtime.flowRunWriter.flush();
    expect(await runs(ownToken)).toBe(3);

    const runLetters = () => gateway.shuttle.runtime.repos.deadLetters.list({ kind: 'flow_run' });
    for (let tries = 0; (await runs(otherToken)) + (await runLetters()).length < 2 && tries < 100; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      await gateway.shuttle.runtime.flowRunWriter.flush();
    }
    const letters = await runLetters();
    expect(letters.map((letter) => JSON.parse(letter.payload).response).sort()).toEqual(dialect === 'postgres' ? ['a\u0000b'] : []);
    expect(letters.every((letter) => letter.tenant_id === other.tenantId)).toBe(true);
    expect(await runs(otherToken)).toBe(dialect === 'postgres' ? 1 : 2);
    expect(await metric(gateway, 'flow_run')).toBe(letters.length);
  });

  it('sets aside a request log entry the database refuses, and writes the entries of its batch and after it', async () => {
    const writer = gateway.shuttle.runtime.requestLogWriter;
    const logged = async (key: string) => (await call(gateway, 'GET', '/requests?limit=200', { auth: key })).body.data as { id: string }[];
    const before = (await logged(other.masterKey)).length;
    const fine = await chat(other.masterKey, 'logged fine');
    const nulModel = await chat(other.masterKey, 'nul model');
    const after = await chat(other.masterKey, 'logged after');
    const ids = [fine, nulModel, after].map((response) => response.headers.get('x-request-id') as string);
    // Until every entry so far is written or set aside (a failed batch waits for its retry time).
    const settled = async () => {
      await writer.flush();
      return writer.depth === 0 && (await logged(other.masterKey)).length >= before + 2;
    };
    for (let tries = 0; tries < 200 && !(await settled()); tries++) await new Promise((resolve) => setTimeout(resolve, 25));
    expect(writer.depth).toBe(0);
    const shown = (await logged(other.masterKey)).map((entry) => entry.id);
    expect(shown).toEqual(expect.arrayContaining([ids[0], ids[2]]));
    // PostgreSQL refuses the NUL byte in the served model's name; SQLite stores it.
    const letters = await gateway.shuttle.runtime.repos.deadLetters.list({ kind: 'request_log_entry' });
    const letter = letters.find((one) => one.record_id === ids[1]);
    if (dialect === 'postgres') {
      expect(shown).not.toContain(ids[1]);
      expect(letter).toMatchObject({ tenant_id: other.tenantId });
      expect(JSON.parse(letter?.payload ?? 'null').event.servedModel).toBe(NUL_MODEL);
    } else {
      expect(shown).toContain(ids[1]);
      expect(letter).toBeUndefined();
    }
    expect(await metric(gateway, 'request_log_entry')).toBe(letters.length);
  });
});

describe.each(DIALECTS)('spilled records replayed at start-up, on %s', (dialect) => {
  it('a spill file with a corrupt line and a record the database refuses does not keep the server from starting', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'shuttle-data-'));
    const first = await startGateway({ dialect, env: { SHUTTLE_DATA_DIR: dataDir } });
    await first.shuttle.close();
    const event = (id: string, overrides: Record<string, unknown> = {}) =>
      JSON.stringify({
        id,
        tenantId: first.tenantId,
        keyId: null,
        customerId: null,
        environment: 'production',
        endpoint: 'chat.completions',
        requestedModel: 'mock/echo',
        provider: 'mock',
        servedModel: 'echo',
        promptTokens: 7,
        completionTokens: 3,
        cachedTokens: 0,
        costMicros: 0,
        latencyMs: 5,
        upstreamMs: 1,
        ttftMs: null,
        streamed: false,
        status: 200,
        errorCode: null,
        createdAt: Date.now(),
        ...overrides,
      });
    // As a crash while spilling or a damaged disk might leave them: a line cut short, a record without its cost.
    const usageSpill = [event('req_spilled_1'), '{"id":"req_cut_o', event('req_no_cost', { costMicros: null }), event('req_spilled_2')];
    writeFileSync(join(dataDir, 'usage-spill-1-1.jsonl'), `${usageSpill.join('\n')}\n`);
    writeFileSync(join(dataDir, 'flow-runs-spill-1-1.jsonl'), '{"id":"run_cut_o\n');

    const second = await startGateway({ dialect, sharing: first, env: { SHUTTLE_DATA_DIR: dataDir } });
    try {
      const usage = await call(second, 'GET', '/usage?groupBy=none', { auth: second.masterKey });
      expect(usage.body.totals).toMatchObject({ requests: 2, promptTokens: 14 });
      const letters = await second.shuttle.runtime.repos.deadLetters.list();
      expect(letters.map((letter) => [letter.kind, letter.record_id]).sort()).toEqual([
        ['flow_run', 'flow-runs-spill-1-1.jsonl:1'],
        ['usage_event', 'req_no_cost'],
        ['usage_event', 'usage-spill-1-1.jsonl:2'],
      ]);
      expect(letters.find((letter) => letter.record_id === 'usage-spill-1-1.jsonl:2')?.payload).toBe(JSON.stringify('{"id":"req_cut_o'));
      expect(readdirSync(dataDir).filter((name) => name.includes('spill'))).toEqual([]);
      expect(await metric(second, 'usage_event')).toBe(2);
      expect(await metric(second, 'flow_run')).toBe(1);

      // The operator's view: list them, and write again those whose cause was fixed.
      const env = { DATABASE_URL: first.database.url };
      const listed = await runShuttle(['dead-letters', 'list', '--kind', 'usage_event', '--json'], env);
      expect(
        JSON.parse(listed.stdout)
          .data.map((letter: { record_id: string }) => letter.record_id)
          .sort(),
      ).toEqual(['req_no_cost', 'usage-spill-1-1.jsonl:2']);
      await second.shuttle.runtime.repos.deadLetters.add({
        kind: 'usage_event',
        record_id: 'req_fixed',
        tenant_id: first.tenantId,
        payload: event('req_fixed'),
        error: 'refused before the fix',
        error_code: '23502',
      });
      const retried = await runShuttle(['dead-letters', 'retry', '--kind', 'usage_event', '--json'], env);
      expect(retried.code).toBe(1);
      expect(JSON.parse(retried.stdout)).toMatchObject({ written: [expect.any(String)], refused: [{}, {}] });
      expect((await call(second, 'GET', '/usage?groupBy=none', { auth: second.masterKey })).body.totals.requests).toBe(3);
      expect((await second.shuttle.runtime.repos.deadLetters.list()).map((letter) => letter.record_id)).not.toContain('req_fixed');
    } finally {
      await second.shuttle.close();
      await first.database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
