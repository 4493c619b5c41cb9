// The tools a template may call, picked from the library by name (a tool the template names by id stays named by
// id), with the run's budget of tool calls and the tool choice of the first model call.
import { useTools } from '../../api/tools';
import type { FlowTemplate } from '../../api/types';
import { ErrorMessage } from '../../components/error-message';
import { Field } from '../../components/field';

/** "auto", "required", "none", or "tool:<reference>" for one named tool. */
export type ToolChoice = string;

export function toolChoiceOf(choice: FlowTemplate['toolChoice']): ToolChoice {
  if (choice === undefined) return 'auto';
  return typeof choice === 'string' ? choice : `tool:${choice.name}`;
}

/** The template's fields for its tools: none at all when no tool is picked and nothing else set. */
export function toolReferences(tools: string[], maxToolCalls: string, choice: ToolChoice): Partial<FlowTemplate> {
  const fields: Partial<FlowTemplate> = {};
  if (tools.length > 0) fields.tools = tools;
  if (maxToolCalls.trim() !== '') fields.maxToolCalls = Number(maxToolCalls);
  if (choice.startsWith('tool:')) fields.toolChoice = { name: choice.slice('tool:'.length) };
  else if (choice !== 'auto') fields.toolChoice = choice as 'required' | 'none';
  return fields;
}

interface TemplateToolsProps {
  tools: string[];
  onToolsChange: (tools: string[]) => void;
  maxToolCalls: string;
  onMaxToolCallsChange: (value: string) => void;
  toolChoice: ToolChoice;
  onToolChoiceChange: (value: ToolChoice) => void;
}

export function TemplateTools(props: TemplateToolsProps) {
  const { tools, onToolsChange, toolChoice, onToolChoiceChange } = props;
  const library = useTools();
  const available = library.data?.data ?? [];
  // The template's reference to a tool of the library: by name, or by id when it was named so.
  const referenceOf = (tool: { id: string; name: string }) => (tools.includes(tool.id) ? tool.id : tool.name);
  const picked = (tool: { id: string; name: string }) => tools.includes(tool.id) || tools.includes(tool.name);
  const unknown = tools.filter((reference) => !available.some((tool) => tool.id === reference || tool.name === reference));
  const toggle = (tool: { id: string; name: string }, on: boolean) => {
    const reference = referenceOf(tool);
    if (on) onToolsChange([...tools, tool.name]);
    else {
      onToolsChange(tools.filter((name) => name !== reference));
      if (toolChoice === `tool:${reference}`) onToolChoiceChange('auto');
    }
  };
  const pickedTools = available.filter(picked);

  return (
    <fieldset className="stack tight">
      <legend>Tools</legend>
      <p className="hint">The tools of the library the model may call. The gateway runs each call and gives the model its result.</p>
      <ErrorMessage error={library.error} />
      {library.isPending ? null : available.length === 0 ? (
        <p className="muted small">The tool library is empty: add tools on the Tools page.</p>
      ) : (
        <ul className="check-list" aria-label="Tools of the library">
          {available.map((tool, index) => (
            <li key={tool.id}>
              <label className="check">
                <input
                  type="checkbox"
                  checked={picked(tool)}
                  onChange={(event) => toggle(tool, event.target.checked)}
                  {...(tool.description ? { 'aria-describedby': `template-tool-${index}-description` } : {})}
                />
                <code>{tool.name}</code>
              </label>
              {tool.description ? (
                <p className="hint" id={`template-tool-${index}-description`}>
                  {tool.description}
                </p>
              ) : null}
            </li>
          ))}
        </ul>
      )}
      {unknown.length > 0 ? (
        <p className="warning">
          Not in the library: {unknown.join(', ')}.{' '}
          <button type="button" className="button small" onClick={() => onToolsChange(tools.filter((name) => !unknown.includes(name)))}>
            Remove them
          </button>
        </p>
      ) : null}
      <div className="form-grid">
        <Field label="Max tool calls" hint="0 to 100 in all for a run; empty for 10.">
          {(inputProps) => (
            <input
              {...inputProps}
              type="number"
              inputMode="numeric"
              min={0}
              max={100}
              step={1}
              value={props.maxToolCalls}
              onChange={(event) => props.onMaxToolCallsChange(event.target.value)}
            />
          )}
        </Field>
        <Field label="Tool choice" hint="Required and a named tool apply to the first model call.">
          {(inputProps) => (
            <select {...inputProps} value={toolChoice} onChange={(event) => onToolChoiceChange(event.target.value)}>
              <option value="auto">Auto: the model decides</option>
              <option value="required">Required: call a tool</option>
              <option value="none">None: never call a tool</option>
              {pickedTools.map((tool) => (
                <option key={tool.id} value={`tool:${referenceOf(tool)}`}>
                  Must call {tool.name}
                </option>
              ))}
              {toolChoice.startsWith('tool:') && !pickedTools.some((tool) => `tool:${referenceOf(tool)}` === toolChoice) ? (
                <option value={toolChoice}>Must call {toolChoice.slice('tool:'.length)}</option>
              ) : null}
            </select>
          )}
        </Field>
      </div>
    </fieldset>
  );
}
