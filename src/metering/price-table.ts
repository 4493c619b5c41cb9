// Looks up a model's price and turns token usage into integer micro-dollars.
import type { TokenUsage } from '../domain/token-usage.js';
import { type ModelPrice, PRICE_TABLE_DATE, SHIPPED_PRICES } from './prices.js';

// Providers answer with dated snapshots (gpt-4o-mini-2024-07-18); they are priced like the model they snapshot.
const SNAPSHOT_SUFFIX = /-(\d{4}-\d{2}-\d{2}|\d{8}|\d{4}|latest)$/;

/** The model a dated snapshot belongs to (`gpt-4o-mini-2024-07-18` → `gpt-4o-mini`); other names as they are. */
export function snapshotBase(model: string): string {
  return model.replace(SNAPSHOT_SUFFIX, '');
}

export class PriceTable {
  private readonly prices: Map<string, ModelPrice>;
  /** Bare model name → the provider types whose table has it (every request naming a bare model asks). */
  private readonly providersByModel = new Map<string, readonly string[]>();
  /** When the shipped prices were checked. */
  readonly date = PRICE_TABLE_DATE;

  constructor(overrides: Readonly<Record<string, ModelPrice>> = {}) {
    this.prices = new Map(Object.entries({ ...SHIPPED_PRICES, ...overrides }));
    for (const key of this.prices.keys()) {
      const slash = key.indexOf('/');
      const model = key.slice(slash + 1);
      this.providersByModel.set(model, [...(this.providersByModel.get(model) ?? []), key.slice(0, slash)]);
    }
  }

  /** The price of `model` on an adapter of type `providerType`, if known. */
  lookup(providerType: string, model: string): ModelPrice | undefined {
    const exact = this.prices.get(`${providerType}/${model}`);
    if (exact) return exact;
    const base = snapshotBase(model);
    return base === model ? undefined : this.prices.get(`${providerType}/${base}`);
  }

  entries(): Array<[string, ModelPrice]> {
    return [...this.prices.entries()].sort(([a], [b]) => a.localeCompare(b));
  }

  /** Models the table knows for a provider type, without the `type/` prefix. */
  modelsOf(providerType: string): string[] {
    const prefix = `${providerType}/`;
    return [...this.prices.keys()].filter((key) => key.startsWith(prefix)).map((key) => key.slice(prefix.length));
  }

  hasProvider(providerType: string): boolean {
    const prefix = `${providerType}/`;
    for (const key of this.prices.keys()) if (key.startsWith(prefix)) return true;
    return false;
  }

  /** Provider types whose table has this bare model name. */
  providersOfModel(model: string): readonly string[] {
    return this.providersByModel.get(model) ?? [];
  }
}

/** $1 per million tokens is one micro-dollar per token, so the arithmetic stays in micro-dollars. */
export function costMicros(price: ModelPrice | undefined, usage: TokenUsage): number {
  if (!price) return 0;
  const cached = Math.min(usage.cachedTokens, usage.promptTokens);
  const fresh = usage.promptTokens - cached;
  return Math.round(fresh * price.input + cached * (price.cachedInput ?? price.input) + usage.completionTokens * price.output);
}

export function microsToUsd(micros: number): number {
  return micros / 1_000_000;
}

/**
 * `0.000435`, `12.500000`: micro-dollars as dollars with six decimals, as `toFixed(6)` writes them, but from the two
 * integers on either side of the point: converting a fraction to text is dear on every response (docs/benchmarks.md).
 */
export function usdWithSixDecimals(micros: number): string {
  if (!Number.isSafeInteger(micros) || micros < 0) return microsToUsd(micros).toFixed(6);
  const dollars = Math.floor(micros / 1_000_000);
  return `${dollars}.${String(micros - dollars * 1_000_000).padStart(6, '0')}`;
}

/** `$12.34` for dollars and up, `$0.000435` below: two decimals at least, six at most, no trailing zeros. */
export function formatUsd(micros: number): string {
  const usd = microsToUsd(micros);
  if (Math.abs(usd) >= 1) return `$${usd.toFixed(2)}`;
  const text = usd.toFixed(6).replace(/0+$/, '');
  return `$${text.length - text.indexOf('.') - 1 < 2 ? usd.toFixed(2) : text}`;
}
