// Critique loops: a producer flow answers, a critic flow judges, the producer is asked again with the feedback until
// the critic approves or maxIterations answers were given; every model call through the run's pipeline and meter.
// Built from mock/echo: the critic echoes the producer's answer, so the producer's first answer carries the verdict
// the critic "gives" — not approved, with feedback that is itself an approving verdict, which the producer (echoing
// the revision prompt) then hands back. On SQLite and PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { revisionPrompt } from '../../src/flows/tools/critique-executor.js';
import { call, login } from '../helpers/api.js';
import { DIALECTS } from '../helpers/databases.js';
import { flushUsage, startGateway, type TestGateway } from '../helpers/gateway.js';

describe.each(DIALECTS)('critique tools on %s', (dialect) => {
  let gateway: TestGateway;
  let token: string;

  beforeAll(async () => {
    gateway = await startGateway({ dialect });
    token = await login(gateway);
    for (const slug of ['producer', 'critic']) await admin('POST', '/flows', { title: slug, slug });
    await version('producer', { userTemplate: '[[draft]]', llm: 'mock/echo' });
    await version('critic', { userTemplate: '[[answer]]', llm: 'mock/echo' });
  });

  afterAll(async () => {
    await gateway?.close();
  });

  const admin = (method: string, path: string, body?: unknown) => call(gateway, method, path, { auth: token, body });
  const draftSchema = { type: 'object', properties: { draft: { type: 'string' } }, required: ['draft'] };

  async function version(slug: string, main: Record<string, unknown>) {
    const created = await admin('POST', `/flows/${slug}/versions`, { templates: { main } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const activated = await admin('POST', `/flows/${slug}/versions/${created.body.version}/environments`, { environment: 'production' });
    expect(activated.status, JSON.stringify(activated.body)).toBe(200);
  }

  async function critique(name: string, fields: Record<string, unknown>) {
    const created = await admin('POST', '/tools', {
      name,
      type: 'critique',
      producerFlow: 'producer',
      criticFlow: 'critic',
      parameters: draftSchema,
      ...fields,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
  }

  it('asks the producer again with the critic’s feedback until it approves, all metered as the run', async () => {
    await critique('review', { maxIterations: 3 });
    await admin('POST', '/flows', { title: 'writer', slug: 'writer' });
    await version('writer', { userTemplate: '[[question]]', llm: 'mock/tools', tools: ['review'] });
    const approving = JSON.stringify({ approved: true, feedback: 'good now' });
    const draft = JSON.stringify({ approved: false, feedback: approving });

    const run = await call(gateway, 'POST', '/flows/writer/runs', {
      auth: gateway.masterKey,
      body: { parameters: { question: JSON.stringify({ draft }) } },
    });
    expect(run.status, JSON.stringify(run.body)).toBe(200);
    // The second answer (the producer echoing the revision prompt) is approved, and is the tool's result.
    expect(run.body.response).toBe(revisionPrompt(approving));

    await flushUsage(gateway);
    const events = await gateway.shuttle.runtime.db.selectFrom('usage_events').selectAll().where('endpoint', '=', 'flows.run').execute();
    expect(events).toHaveLength(1);
    // writer's 2 calls, producer's 2 and critic's 2: each echo answer is some tokens, the sum is the run's.
    expect(Number(events[0]?.completion_tokens)).toBe(run.body.usage.completionTokens);
    expect(run.body.usage.completionTokens).toBeGreaterThan(40);

    await gateway.shuttle.runtime.flowRunWriter.flush();
    const detail = await admin('GET', `/flows/writer/runs/${run.body.id}`);
    expect(detail.body.toolCalls).toEqual([
      expect.objectContaining({ name: 'review', status: 'succeeded', result: revisionPrompt(approving) }),
    ]);
  });

  it('stops after maxIterations answers with the last one; tests alone through /tools/{id}/test', async () => {
    await critique('never_pleased', { maxIterations: 2, verdict: { format: 'keyword', keyword: 'APPROVED' } });
    const tested = await admin('POST', '/tools/never_pleased/test', { arguments: { draft: 'first try' } });
    expect(tested.status, JSON.stringify(tested.body)).toBe(200);
    // One critique (the echo "first try" has no APPROVED), one revision: the second answer is returned unjudged.
    expect(tested.body).toMatchObject({ status: 'succeeded', result: revisionPrompt('first try') });

    const approvedAtOnce = await admin('POST', '/tools/never_pleased/test', { arguments: { draft: 'APPROVED as is' } });
    expect(approvedAtOnce.body.result).toBe('APPROVED as is');
    // A keyword is a word: "UNAPPROVED" does not approve.
    const unapproved = await admin('POST', '/tools/never_pleased/test', { arguments: { draft: 'UNAPPROVED' } });
    expect(unapproved.body.result).toBe(revisionPrompt('UNAPPROVED'));
  });

  it('refuses a version whose critique loop runs the flow itself', async () => {
    await admin('POST', '/flows', { title: 'selfish', slug: 'selfish' });
    await version('selfish', { userTemplate: '[[draft]]', llm: 'mock/echo' });
    const created = await admin('POST', '/tools', {
      name: 'self_review',
      type: 'critique',
      producerFlow: 'selfish',
      criticFlow: 'critic',
      parameters: draftSchema,
    });
    expect(created.status).toBe(201);
    const cyclic = await admin('POST', '/flows/selfish/versions', {
      templates: { main: { userTemplate: '[[draft]]', llm: 'mock/tools', tools: ['self_review'] } },
    });
    expect(cyclic.status).toBe(400);
    expect(cyclic.body.error.message).toContain('cycle');
  });
});
