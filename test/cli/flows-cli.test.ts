import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../helpers/api.js';
import { runShuttle } from '../helpers/cli.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';

const flowYaml = (greeting: string) => `
slug: welcome
title: Welcome message
description: Greets new customers
templates:
  main:
    template: You write for [[company]].
    userTemplate: ${greeting} [[name]]
    llm: mock/echo
`;

describe('shuttle flows', { timeout: 180_000 }, () => {
  let gateway: TestGateway;
  let env: Record<string, string>;
  const dir = mkdtempSync(join(tmpdir(), 'shuttle-flows-'));

  beforeAll(async () => {
    gateway = await startGateway();
    env = { DATABASE_URL: gateway.database.url };
  });

  afterAll(async () => {
    await gateway?.close();
  });

  const shuttle = async (...args: string[]) => {
    const result = await runShuttle(['flows', ...args, '--tenant', 'Acme', '--json'], env);
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(result.stdout);
  };

  it('pushes a flow from a YAML file, activates it, and a push without changes makes no new version', async () => {
    const file = join(dir, 'welcome.yaml');
    writeFileSync(file, flowYaml('Welcome,'));
    expect(await shuttle('push', file, '--activate', 'production')).toMatchObject({
      slug: 'welcome',
      version: 1,
      created: true,
      createdFlow: true,
      activated: 'production',
    });
    expect(await shuttle('push', file)).toMatchObject({ version: 1, created: false });
    writeFileSync(file, flowYaml('Hello again,'));
    expect(await shuttle('push', file, '--activate', 'development')).toMatchObject({ version: 2, created: true, createdFlow: false });

    const api = await call(gateway, 'GET', '/flows/welcome', { auth: gateway.masterKey });
    expect(api.body).toMatchObject({ title: 'Welcome message', latestVersion: 2, environments: { production: 1, development: 2 } });
    expect((await shuttle('list')).data).toEqual([
      expect.objectContaining({ slug: 'welcome', latestVersion: 2, environments: { production: 1, development: 2 } }),
    ]);
    expect(await shuttle('activate', 'welcome', '2', 'production')).toMatchObject({ version: 2, environment: 'production' });
  });

  it('runs a flow with parameters, recorded in the run log and metered like any run', async () => {
    const result = await shuttle('run', 'welcome', '--param', 'company=Acme', '--param', 'name=Ada', '--customer', 'cli-customer');
    expect(result).toMatchObject({ version: 2, environment: 'production', response: 'Hello again, Ada', provider: 'mock' });
    const runs = await call(gateway, 'GET', '/flows/welcome/runs', { auth: gateway.masterKey });
    expect(runs.body.data[0]).toMatchObject({ id: result.id, status: 'succeeded', customer: 'cli-customer', tags: ['cli'] });
    const usage = await call(gateway, 'GET', '/customers/cli-customer/usage?groupBy=none', { auth: gateway.masterKey });
    expect(usage.body.totals.requests).toBe(1);
  });

  it('explains what is wrong with a file or a run', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'title: No templates\n');
    const pushed = await runShuttle(['flows', 'push', bad, '--tenant', 'Acme'], env);
    expect(pushed.code).toBe(1);
    expect(pushed.stderr).toContain('templates');
    const missing = await runShuttle(['flows', 'run', 'welcome', '--tenant', 'Acme', '--param', 'company=Acme'], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('Missing parameter: name');
  });

  it('pushes a flow whose template calls tools of the library, and runs its tool loop', async () => {
    const token = (await call(gateway, 'POST', '/auth/login', { body: { email: 'owner@acme.test', password: 'correct horse battery' } }))
      .body.token;
    const tool = await call(gateway, 'POST', '/tools', { auth: token, body: { name: 'greeter', type: 'agent', flowId: 'welcome' } });
    expect(tool.status, JSON.stringify(tool.body)).toBe(201);
    const file = join(dir, 'boss.yaml');
    const boss = (tools: string) =>
      `slug: boss\ntitle: Boss\ntemplates:\n  main:\n    userTemplate: '{"company": "[[company]]", "name": "[[name]]"}'\n    llm: mock/tools\n    tools: [${tools}]\n    maxToolCalls: 2\n`;
    writeFileSync(file, boss('nobody'));
    const unknown = await runShuttle(['flows', 'push', file, '--tenant', 'Acme'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No tool "nobody"');
    expect((await call(gateway, 'GET', '/flows/boss', { auth: gateway.masterKey })).status).toBe(404);
    writeFileSync(file, boss('greeter'));
    expect(await shuttle('push', file, '--activate', 'production')).toMatchObject({ slug: 'boss', created: true });
    const result = await shuttle('run', 'boss', '--param', 'company=Acme', '--param', 'name=Grace');
    expect(result).toMatchObject({ response: 'Hello again, Grace', provider: 'mock' });
  });

  it('creates the tools a flow file defines, updates them on the next push, and refuses an unknown flow and a change of type', async () => {
    const file = join(dir, 'host.yaml');
    const host = (description: string, type = 'agent') =>
      `slug: host\ntitle: Host\ntools:\n  - name: welcomer\n    type: ${type}\n    description: ${description}\n    flowId: welcome\n    maxDepth: 2\n` +
      `templates:\n  main:\n    userTemplate: '{"company": "[[company]]", "name": "[[name]]"}'\n    llm: mock/tools\n    tools: [welcomer]\n`;
    writeFileSync(file, host('Greets a customer'));
    expect(await shuttle('push', file, '--activate', 'production')).toMatchObject({
      slug: 'host',
      created: true,
      tools: { created: ['welcomer'], updated: [] },
    });
    const created = await call(gateway, 'GET', '/tools/welcomer', { auth: gateway.masterKey });
    expect(created.body).toMatchObject({ name: 'welcomer', type: 'agent', description: 'Greets a customer' });
    expect(await shuttle('run', 'host', '--param', 'company=Acme', '--param', 'name=Linus')).toMatchObject({
      response: 'Hello again, Linus',
    });

    writeFileSync(file, host('Greets a new customer'));
    expect(await shuttle('push', file)).toMatchObject({ created: false, tools: { created: [], updated: ['welcomer'] } });
    expect((await call(gateway, 'GET', '/tools/welcomer', { auth: gateway.masterKey })).body).toMatchObject({
      id: created.body.id,
      description: 'Greets a new customer',
    });

    writeFileSync(file, host('Greets', 'agent').replace('flowId: welcome', 'flowId: nowhere'));
    const unknownFlow = await runShuttle(['flows', 'push', file, '--tenant', 'Acme'], env);
    expect(unknownFlow.code).toBe(1);
    expect(unknownFlow.stderr).toContain('nowhere');
    writeFileSync(
      file,
      'slug: host\ntitle: Host\ntools:\n  - name: welcomer\n    type: critique\n    producerFlow: welcome\n    criticFlow: welcome\n' +
        'templates:\n  main:\n    llm: mock/tools\n    userTemplate: hi\n',
    );
    const retyped = await runShuttle(['flows', 'push', file, '--tenant', 'Acme'], env);
    expect(retyped.code).toBe(1);
    expect(retyped.stderr).toContain('tool "welcomer" has the type agent, not critique');
  });
});
