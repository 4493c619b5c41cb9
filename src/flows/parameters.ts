// `[[snake_case]]` placeholders: finding them, and filling them in one pass, so an inserted value is never expanded
// again (a value that itself contains `[[x]]` stays as it is).

import type { FlowTemplate, FlowTemplates } from '../domain/flow-template.js';
import { InvalidRequestError } from '../errors/shuttle-error.js';

const PLACEHOLDER = /\[\[([a-z][a-z0-9_]*)\]\]/g;

export function parametersOf(text: string | undefined): string[] {
  if (!text) return [];
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((match) => match[1] as string))];
}

export function templateParameters(template: FlowTemplate): string[] {
  return [...new Set([...parametersOf(template.template), ...parametersOf(template.userTemplate)])];
}

/** Every parameter of a version, with the templates that use it. */
export function versionParameters(templates: FlowTemplates): Array<{ name: string; templates: string[] }> {
  const found = new Map<string, string[]>();
  for (const [name, template] of Object.entries(templates)) {
    for (const parameter of templateParameters(template)) found.set(parameter, [...(found.get(parameter) ?? []), name]);
  }
  return [...found.entries()].map(([name, usedBy]) => ({ name, templates: usedBy }));
}

export type ParameterValues = Record<string, unknown>;

function asText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function render(text: string, values: ParameterValues): string {
  return text.replace(PLACEHOLDER, (_match, name: string) => asText(values[name]));
}

/** Refuses a run that leaves any of the template's parameters without a value, naming all of them. */
export function assertParameters(template: FlowTemplate, values: ParameterValues): void {
  const missing = templateParameters(template).filter((name) => values[name] === undefined || values[name] === null);
  if (missing.length > 0) {
    throw new InvalidRequestError(`Missing parameter${missing.length === 1 ? '' : 's'}: ${missing.join(', ')}.`, 'parameters');
  }
}
