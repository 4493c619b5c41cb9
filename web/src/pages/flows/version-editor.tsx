// "New version": the main template's system prompt, user message, model and settings, and the tools of the library
// it may call, starting from the latest version; the [[parameters]] it uses are listed as they are typed. Saving
// makes the next version.
import { type FormEvent, useState } from 'react';
import { useCreateVersion } from '../../api/flows';
import type { FlowTemplate, FlowVersion } from '../../api/types';
import { Dialog, DialogClose } from '../../components/dialog';
import { ErrorMessage } from '../../components/error-message';
import { Field } from '../../components/field';
import { useToast } from '../../components/toaster';
import { DetectedParameters } from './detected-parameters';
import { TemplateTools, type ToolChoice, toolChoiceOf, toolReferences } from './template-tools';

interface VersionEditorProps {
  flow: string;
  latest: FlowVersion | null;
  open: boolean;
  onOpenChange: (open: boolean) => void;
}

export function VersionEditor({ flow, latest, open, onOpenChange }: VersionEditorProps) {
  return (
    <Dialog
      open={open}
      onOpenChange={onOpenChange}
      wide
      title="New version"
      description={
        latest ? `Starts from version ${latest.version}. Saving makes version ${latest.version + 1}.` : 'Saving makes version 1.'
      }
    >
      {/* Mounted only while open, so each opening starts again from the latest version. */}
      <EditorForm flow={flow} latest={latest} onDone={() => onOpenChange(false)} />
    </Dialog>
  );
}

const text = (value: number | undefined) => (value === undefined ? '' : String(value));

function EditorForm({ flow, latest, onDone }: { flow: string; latest: FlowVersion | null; onDone: () => void }) {
  const create = useCreateVersion(flow);
  const notify = useToast();
  const main = latest?.templates.main;
  const [description, setDescription] = useState('');
  const [template, setTemplate] = useState(main?.template ?? '');
  const [userTemplate, setUserTemplate] = useState(main?.userTemplate ?? '');
  const [llm, setLlm] = useState(main?.llm ?? '');
  const [temperature, setTemperature] = useState(text(main?.temperature));
  const [maxTokens, setMaxTokens] = useState(text(main?.maxTokens));
  const [tools, setTools] = useState<string[]>(main?.tools ?? []);
  const [maxToolCalls, setMaxToolCalls] = useState(text(main?.maxToolCalls));
  const [toolChoice, setToolChoice] = useState<ToolChoice>(toolChoiceOf(main?.toolChoice));
  const others = Object.keys(latest?.templates ?? {}).filter((name) => name !== 'main');
  const kept = [
    ...(others.length > 0 ? [`the template${others.length === 1 ? '' : 's'} ${others.join(', ')}`] : []),
    ...(main?.fallbacks?.length ? ['the fallbacks'] : []),
    ...(main?.responseSchema ? ['the response schema'] : []),
  ];

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const edited: FlowTemplate = {
      ...(main?.fallbacks ? { fallbacks: main.fallbacks } : {}),
      ...(main?.responseSchema ? { responseSchema: main.responseSchema } : {}),
      template,
      ...(userTemplate === '' ? {} : { userTemplate }),
      llm: llm.trim(),
      ...(temperature.trim() === '' ? {} : { temperature: Number(temperature) }),
      ...(maxTokens.trim() === '' ? {} : { maxTokens: Number(maxTokens) }),
      ...toolReferences(tools, maxToolCalls, toolChoice),
    };
    create.mutate(
      { templates: { ...latest?.templates, main: edited }, ...(description.trim() ? { description: description.trim() } : {}) },
      {
        onSuccess: (version) => {
          notify(`Version ${version.version} saved`);
          onDone();
        },
      },
    );
  };

  return (
    <form onSubmit={submit} className="stack">
      <div className="editor">
        <div className="stack">
          <Field label="System prompt" hint="Instructions for the model. Write [[snake_case]] where a parameter's value goes.">
            {(props) => <textarea {...props} rows={7} value={template} onChange={(event) => setTemplate(event.target.value)} />}
          </Field>
          <Field label="User message" hint="Optional: the user's turn, e.g. [[question]].">
            {(props) => <textarea {...props} rows={3} value={userTemplate} onChange={(event) => setUserTemplate(event.target.value)} />}
          </Field>
        </div>
        <DetectedParameters fields={{ 'System prompt': template, 'User message': userTemplate }} />
      </div>
      <div className="form-grid">
        <Field label="Model" hint="provider/model (e.g. mock/echo) or a routing alias">
          {(props) => (
            <input
              {...props}
              required
              maxLength={256}
              placeholder="openai/gpt-4o-mini"
              value={llm}
              onChange={(event) => setLlm(event.target.value)}
            />
          )}
        </Field>
        <Field label="Temperature" hint="0 to 2; empty for the model's default">
          {(props) => (
            <input
              {...props}
              type="number"
              inputMode="decimal"
              min={0}
              max={2}
              step="any"
              value={temperature}
              onChange={(event) => setTemperature(event.target.value)}
            />
          )}
        </Field>
        <Field label="Max tokens" hint="Empty for the model's default">
          {(props) => (
            <input
              {...props}
              type="number"
              inputMode="numeric"
              min={1}
              step={1}
              value={maxTokens}
              onChange={(event) => setMaxTokens(event.target.value)}
            />
          )}
        </Field>
      </div>
      <TemplateTools
        tools={tools}
        onToolsChange={setTools}
        maxToolCalls={maxToolCalls}
        onMaxToolCallsChange={setMaxToolCalls}
        toolChoice={toolChoice}
        onToolChoiceChange={setToolChoice}
      />
      <Field label="Description" hint="What changed, for whoever compares versions later.">
        {(props) => (
          <input
            {...props}
            maxLength={2000}
            placeholder="Friendlier tone"
            value={description}
            onChange={(event) => setDescription(event.target.value)}
          />
        )}
      </Field>
      {kept.length > 0 && latest ? (
        <p className="notice">
          Kept as in version {latest.version}: {kept.join(', ')}. Change {kept.length === 1 ? 'it' : 'them'} with the API or{' '}
          <code>shuttle flows push</code>.
        </p>
      ) : null}
      <ErrorMessage error={create.error} />
      <div className="dialog-actions">
        <DialogClose>
          <button type="button" className="button">
            Cancel
          </button>
        </DialogClose>
        <button type="submit" className="button primary" disabled={create.isPending} aria-busy={create.isPending}>
          Save version
        </button>
      </div>
    </form>
  );
}
