// A conversation as chat bubbles: who spoke, what they said, the tools they called and what the tools answered.
import type { Part, Turn } from './conversation';

const ROLE_LABELS: Record<string, string> = {
  system: 'System',
  developer: 'Developer',
  user: 'User',
  assistant: 'Assistant',
  model: 'Assistant',
  tool: 'Tool',
};

function PartView({ part }: { part: Part }) {
  switch (part.kind) {
    case 'text':
      return <p className="bubble-text">{part.text}</p>;
    case 'media':
      return <p className="bubble-text muted">[{part.label}]</p>;
    case 'tool-call':
      return (
        <div className="tool-block">
          <p className="tool-title">
            Tool call: <code>{part.name}</code>
            {part.callId ? <span className="muted"> ({part.callId})</span> : null}
          </p>
          <pre>{part.arguments}</pre>
        </div>
      );
    case 'tool-result':
      return (
        <div className="tool-block">
          <p className="tool-title">
            {part.isError ? 'Tool error' : 'Tool result'}
            {part.callId ? <span className="muted"> ({part.callId})</span> : null}
          </p>
          <pre>{part.content}</pre>
        </div>
      );
  }
}

export function ConversationView({ turns }: { turns: Turn[] }) {
  return (
    <ol className="conversation" aria-label="Conversation">
      {turns.map((turn, index) => {
        const label = ROLE_LABELS[turn.role] ?? turn.role;
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: turns have no id; their order is the conversation's
          <li key={index} className={`bubble role-${ROLE_LABELS[turn.role] ? turn.role : 'other'}${turn.answer ? ' answer' : ''}`}>
            <p className="bubble-role">
              {label}
              {turn.answer ? <span className="muted"> · answer</span> : null}
            </p>
            {turn.parts.map((part, partIndex) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: parts have no id; their order is the message's
              <PartView key={partIndex} part={part} />
            ))}
          </li>
        );
      })}
    </ol>
  );
}
