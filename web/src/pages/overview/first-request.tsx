// For a tenant with no traffic yet: how to make the first request, with this server's base URL.
import { Link } from 'react-router';
import { CopyButton } from '../../components/copy-button';

function Snippet({ title, code }: { title: string; code: string }) {
  return (
    <div className="snippet">
      <div className="snippet-header">
        <h3>{title}</h3>
        <CopyButton value={code} label={`Copy the ${title} example`} />
      </div>
      <pre>
        <code>{code}</code>
      </pre>
    </div>
  );
}

export function FirstRequest() {
  const baseUrl = `${window.location.origin}/api/v1`;
  const curl = `curl ${baseUrl}/chat/completions \\
  -H "Authorization: Bearer $SHUTTLE_KEY" \\
  -H "Content-Type: application/json" \\
  -H "X-Shuttle-Customer-Id: customer-42" \\
  -d '{"model": "mock/echo", "messages": [{"role": "user", "content": "Hello, Shuttle"}]}'`;
  const sdk = `import OpenAI from 'openai';

const client = new OpenAI({
  baseURL: '${baseUrl}',
  apiKey: process.env.SHUTTLE_KEY,
});

const answer = await client.chat.completions.create(
  { model: 'mock/echo', messages: [{ role: 'user', content: 'Hello, Shuttle' }] },
  { headers: { 'X-Shuttle-Customer-Id': 'customer-42' } },
);
console.log(answer.choices[0].message.content);`;

  return (
    <section className="card onboarding" aria-labelledby="first-request-title">
      <h2 id="first-request-title">Make your first request</h2>
      <p>
        No requests yet. Put a key in <code>SHUTTLE_KEY</code> — the master key printed at the first start, or a sub-key from{' '}
        <Link to="/keys">API keys</Link> — and call Shuttle like OpenAI. <code>mock/echo</code> answers without a provider key; name a
        customer with <code>X-Shuttle-Customer-Id</code> to see their spend here.
      </p>
      <Snippet title="curl" code={curl} />
      <Snippet title="openai SDK (Node)" code={sdk} />
      <p className="muted">
        Base URL: <code>{baseUrl}</code>
      </p>
    </section>
  );
}
