// Flows calling flows: an agent tool runs another flow's active version with the model's arguments, through the same
// pipeline (the run's usage is the sum), bounded in depth; a cycle of agents is refused when a version is created or
// activated — on SQLite and PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, login } from '../helpers/api.js';
import { DIALECTS } from '../helpers/databases.js';
import { flushUsage, startGateway, type TestGateway } from '../helpers/gateway.js';

describe.each(DIALECTS)('agent tools on %s', (dialect) => {
  let gateway: TestGateway;
  let token: string;

  beforeAll(async () => {
    gateway = await startGateway({ dialect });
    token = await login(gateway);
  });

  afterAll(async () => {
    await gateway?.close();
  });

  const admin = (method: string, path: string, body?: unknown) => call(gateway, method, path, { auth: token, body });
  const run = (flow: string, parameters: Record<string, unknown>) =>
    call(gateway, 'POST', `/flows/${flow}/runs`, { auth: gateway.masterKey, body: { parameters } });

  async function version(slug: string, main: Record<string, unknown>, activate = true) {
    const created = await admin('POST', `/flows/${slug}/versions`, { templates: { main } });
    if (created.status === 201 && activate) {
      const activated = await admin('POST', `/flows/${slug}/versions/${created.body.version}/environments`, { environment: 'production' });
      expect(activated.status, JSON.stringify(activated.body)).toBe(200);
    }
    return created;
  }

  async function agent(name: string, flow: string, maxDepth?: number) {
    const topic = { type: 'object', properties: { topic: { type: 'string' } }, required: ['topic'] };
    const created = await admin('POST', '/tools', {
      name,
      type: 'agent',
      flowId: flow,
      parameters: topic,
      ...(maxDepth ? { maxDepth } : {}),
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
  }

  it('runs another flow as a sub-agent, with the arguments as its parameters, its usage part of the run', async () => {
    for (const slug of ['helper', 'boss']) await admin('POST', '/flows', { title: slug, slug });
    await version('helper', { userTemplate: 'Helper says: [[topic]]', llm: 'mock/echo' });
    await agent('ask_helper', 'helper');
    await version('boss', { userTemplate: '[[question]]', llm: 'mock/tools', tools: ['ask_helper'] });
    const answered = await run('boss', { question: '{"topic": "cats"}' });
    expect(answered.status, JSON.stringify(answered.body)).toBe(200);
    expect(answered.body.response).toBe('Helper says: cats');
    // boss's two calls and helper's one: "Helper says: cats" is 3 completion tokens of helper and of boss.
    expect(answered.body.usage.completionTokens).toBeGreaterThan(6);
    await flushUsage(gateway);
    const events = await gateway.shuttle.runtime.db.selectFrom('usage_events').selectAll().where('endpoint', '=', 'flows.run').execute();
    expect(events).toHaveLength(1);
    expect(Number(events[0]?.completion_tokens)).toBe(answered.body.usage.completionTokens);
    await gateway.shuttle.runtime.flowRunWriter.flush();
    const detail = await admin('GET', `/flows/boss/runs/${answered.body.id}`);
    expect(detail.body.toolCalls).toEqual([
      expect.objectContaining({ name: 'ask_helper', arguments: { topic: 'cats' }, status: 'succeeded', result: 'Helper says: cats' }),
    ]);
  });

  it('tells the model when the sub-agent cannot run: no active version, too deep', async () => {
    await admin('POST', '/flows', { title: 'idle', slug: 'idle' });
    await version('idle', { userTemplate: '[[topic]]', llm: 'mock/echo' }, false);
    await agent('ask_idle', 'idle');
    await admin('POST', '/flows', { title: 'caller', slug: 'caller' });
    await version('caller', { userTemplate: '[[question]]', llm: 'mock/tools', tools: ['ask_idle'] });
    const idle = await run('caller', { question: '{"topic": "x"}' });
    expect(idle.body.response).toMatch(/^Error: No version of "idle" is active in production/);

    // top → middle → bottom, where middle's agent allows depth 1 only: bottom is not reached.
    for (const slug of ['top', 'middle', 'bottom']) await admin('POST', '/flows', { title: slug, slug });
    await version('bottom', { userTemplate: 'Bottom: [[topic]]', llm: 'mock/echo' });
    await agent('ask_bottom', 'bottom', 1);
    await agent('ask_middle', 'middle');
    await version('middle', { userTemplate: '{"topic": "[[topic]]"}', llm: 'mock/tools', tools: ['ask_bottom'] });
    await version('top', { userTemplate: '[[question]]', llm: 'mock/tools', tools: ['ask_middle'] });
    expect((await run('middle', { topic: 'direct' })).body.response).toBe('Bottom: direct');
    const deep = await run('top', { question: '{"topic": "deep"}' });
    expect(deep.status).toBe(200);
    expect(deep.body.response).toBe('Error: agents may not nest deeper than 1 here; answer without this agent');
  });

  it('refuses a cycle of agents when the version is created, and when one is activated', async () => {
    for (const slug of ['alpha', 'beta']) await admin('POST', '/flows', { title: slug, slug });
    await agent('ask_alpha', 'alpha');
    await agent('ask_beta', 'beta');
    expect((await version('alpha', { userTemplate: '[[topic]]', llm: 'mock/tools', tools: ['ask_beta'] })).status).toBe(201);
    const cycle = await version('beta', { userTemplate: '[[topic]]', llm: 'mock/tools', tools: ['ask_alpha'] });
    expect(cycle.status).toBe(400);
    expect(cycle.body.error.message).toContain('beta → alpha → beta');
    const itself = await version('alpha', { userTemplate: '[[topic]]', llm: 'mock/tools', tools: ['ask_alpha'] });
    expect(itself.status).toBe(400);

    // A version made before the cycle existed cannot be activated into one.
    await admin('POST', '/flows', { title: 'gamma', slug: 'gamma' });
    await agent('ask_gamma', 'gamma');
    await admin('POST', '/flows', { title: 'delta', slug: 'delta' });
    await agent('ask_delta', 'delta');
    expect((await version('gamma', { userTemplate: '[[topic]]', llm: 'mock/tools', tools: ['ask_delta'] }, false)).status).toBe(201);
    expect((await version('delta', { userTemplate: '[[topic]]', llm: 'mock/tools', tools: ['ask_gamma'] })).status).toBe(201);
    const activated = await admin('POST', '/flows/gamma/versions/1/environments', { environment: 'production' });
    expect(activated.status).toBe(400);
    expect(activated.body.error.message).toContain('cycle');
  });
});
