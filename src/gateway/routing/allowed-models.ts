// Allowed-model lists on tenants and keys: exact names (`openai/gpt-4o-mini`, an alias) or patterns with `*`
// (`openai/*`, `*-mini`). null allows every model.
import { PermissionDeniedError } from '../../errors/shuttle-error.js';

const compiled = new Map<string, RegExp>();

function pattern(entry: string): RegExp {
  let regex = compiled.get(entry);
  if (!regex) {
    regex = new RegExp(
      `^${entry
        .split('*')
        .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*')}$`,
    );
    compiled.set(entry, regex);
  }
  return regex;
}

export function isModelAllowed(model: string, allowed: readonly string[] | null): boolean {
  if (allowed === null) return true;
  return allowed.some((entry) => (entry.includes('*') ? pattern(entry).test(model) : entry === model));
}

export function assertModelAllowed(model: string, lists: ReadonlyArray<{ allowed: readonly string[] | null; owner: string }>): void {
  for (const { allowed, owner } of lists) {
    if (!isModelAllowed(model, allowed)) {
      throw new PermissionDeniedError('model_not_allowed', {
        message: `The model "${model}" is not allowed for ${owner}.`,
        param: 'model',
      });
    }
  }
}
