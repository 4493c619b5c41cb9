// Words for what a number or a missing value means, the same on every page.
import { formatInteger } from './format';

/** A request refused before routing (a cost or rate limit, a blocked customer, a bad body) has no model or provider. */
export const NO_MODEL = 'No model — refused before routing';
export const NO_PROVIDER = 'No provider — refused before routing';

export function modelLabel(model: string | null | undefined): string {
  return model ? model : NO_MODEL;
}

export function providerLabel(provider: string | null | undefined): string {
  return provider ? provider : NO_PROVIDER;
}

/** "1 request", "2 requests", "1,204 requests". */
export function countOf(count: number, one: string, many = `${one}s`): string {
  return `${formatInteger(count)} ${count === 1 ? one : many}`;
}
