// A version as lines of text, in a fixed order, so that two versions can be compared line by line.
import type { FlowTemplate, FlowVersion } from '../../api/types';

const indented = (text: string) => text.split('\n').map((line) => `  ${line}`);

function templateLines(name: string, template: FlowTemplate): string[] {
  const lines = [`[${name}]`, `Model: ${template.llm}`];
  if (template.temperature !== undefined) lines.push(`Temperature: ${template.temperature}`);
  if (template.maxTokens !== undefined) lines.push(`Max tokens: ${template.maxTokens}`);
  if (template.fallbacks?.length) lines.push(`Fallbacks: ${template.fallbacks.join(', ')}`);
  lines.push('System prompt:', ...indented(template.template));
  if (template.userTemplate !== undefined) lines.push('User message:', ...indented(template.userTemplate));
  if (template.responseSchema) lines.push('Response schema:', ...indented(JSON.stringify(template.responseSchema, null, 2)));
  return lines;
}

export function versionLines(version: FlowVersion): string[] {
  // main first, the entry point; the others by name.
  const names = Object.keys(version.templates).sort((a, b) => (a === 'main' ? -1 : b === 'main' ? 1 : a.localeCompare(b)));
  return [
    `Description: ${version.description ?? ''}`,
    ...names.flatMap((name) => templateLines(name, version.templates[name] as FlowTemplate)),
  ];
}
