// The routing rule form: model name, strategy, targets with weights, retries, timeout and cooldown.
import { type FormEvent, useState } from 'react';
import { useProviders, useSaveRoutingRule } from '../../api/settings';
import type { RoutingRule, RoutingTarget, Strategy } from '../../api/types';
import { Dialog, DialogClose } from '../../components/dialog';
import { ErrorMessage } from '../../components/error-message';
import { useToast } from '../../components/toaster';
import { STATUS_LIST_PATTERN } from './name-patterns';

interface RoutingRuleDialogProps {
  rule: RoutingRule | null;
  open: boolean;
  environment: string;
  onClose: () => void;
}

/** The form's labels for the API's parameters, so a refusal names the field as the form does. */
const RULE_FIELDS = {
  alias: 'Model name',
  strategy: 'Strategy',
  provider: 'Provider',
  model: 'Model',
  weight: 'Weight',
  'retry.attempts': 'Attempts per target',
  'retry.backoffMs': 'Backoff (ms)',
  'retry.on': 'Retry on statuses',
  timeoutMs: 'Timeout (ms)',
};

const STRATEGIES: Array<{ value: Strategy; label: string }> = [
  { value: 'fallback', label: 'Fallback: in order' },
  { value: 'weighted', label: 'Weighted: split traffic' },
  { value: 'least-latency', label: 'Least latency: fastest first' },
];

export function RoutingRuleDialog({ rule, open, environment, onClose }: RoutingRuleDialogProps) {
  const save = useSaveRoutingRule();
  const providers = useProviders();
  const notify = useToast();
  const [alias, setAlias] = useState(rule?.alias ?? '');
  // The list answers a strategy as a string; one this form doesn't know is shown as the default.
  const [strategy, setStrategy] = useState<Strategy>(STRATEGIES.find((option) => option.value === rule?.strategy)?.value ?? 'fallback');
  const [targets, setTargets] = useState<RoutingTarget[]>(rule?.targets ?? [{ provider: '', model: '', weight: 1 }]);
  const [attempts, setAttempts] = useState(String(rule?.retry.attempts ?? 2));
  const [backoffMs, setBackoffMs] = useState(String(rule?.retry.backoffMs ?? 100));
  const [retryOn, setRetryOn] = useState((rule?.retry.on ?? [429, 500, 502, 503, 504]).join(', '));
  const [timeoutMs, setTimeoutMs] = useState(rule?.timeoutMs === null || rule === null ? '' : String(rule.timeoutMs));
  const names = [...new Set((providers.data?.data ?? []).map((connection) => connection.name))];

  const updateTarget = (index: number, change: Partial<RoutingTarget>) =>
    setTargets(targets.map((target, i) => (i === index ? { ...target, ...change } : target)));
  const close = () => {
    save.reset();
    onClose();
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate(
      {
        alias: alias.trim(),
        environment,
        strategy,
        targets: targets.map(({ provider, model, weight, overrides }) => ({
          provider,
          model: model.trim(),
          weight,
          ...(overrides ? { overrides } : {}),
        })),
        retry: {
          attempts: Number(attempts),
          backoffMs: Number(backoffMs),
          on: retryOn
            .split(/[\s,]+/)
            .filter(Boolean)
            .map(Number),
        },
        timeoutMs: timeoutMs.trim() === '' ? null : Number(timeoutMs),
        cooldown: rule?.cooldown ?? { afterFailures: 3, seconds: 30 },
        // Not in the form: an edited rule keeps its response-cache setting (docs/cache.md).
        ...(rule?.cache ? { cache: rule.cache } : {}),
      },
      {
        onSuccess: (saved) => {
          notify(`Rule ${saved.alias} saved`);
          close();
        },
      },
    );
  };

  return (
    <Dialog
      open={open}
      onOpenChange={(next) => (next ? undefined : close())}
      title={rule ? `Edit ${rule.alias}` : 'Add routing rule'}
      description={`In the ${environment} environment.`}
      wide
    >
      <form onSubmit={submit} className="stack">
        <div className="form-grid">
          <div className="field">
            <label htmlFor="rule-alias">Model name</label>
            <input
              id="rule-alias"
              required
              readOnly={rule !== null}
              placeholder="smart"
              value={alias}
              onChange={(event) => setAlias(event.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor="rule-strategy">Strategy</label>
            <select id="rule-strategy" value={strategy} onChange={(event) => setStrategy(event.target.value as Strategy)}>
              {STRATEGIES.map((option) => (
                <option key={option.value} value={option.value}>
                  {option.label}
                </option>
              ))}
            </select>
          </div>
        </div>
        <fieldset className="stack">
          <legend>Targets</legend>
          <p className="hint">
            {strategy === 'fallback'
              ? 'Tried in this order: the next one only when the one before fails.'
              : strategy === 'weighted'
                ? 'Each request leads with a target chosen in proportion to its weight; the others follow as fallbacks.'
                : 'The fastest target so far goes first; the others follow as fallbacks.'}
          </p>
          {targets.map((target, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: targets are edited in place; their position is their identity
            <fieldset className={strategy === 'weighted' ? 'target-row weighted' : 'target-row'} key={index}>
              <legend className="visually-hidden">Target {index + 1}</legend>
              <div className="field">
                <label htmlFor={`target-provider-${index}`}>Provider</label>
                <select
                  id={`target-provider-${index}`}
                  required
                  value={target.provider}
                  onChange={(event) => updateTarget(index, { provider: event.target.value })}
                >
                  <option value="">Choose…</option>
                  {names.map((name) => (
                    <option key={name}>{name}</option>
                  ))}
                </select>
              </div>
              <div className="field">
                <label htmlFor={`target-model-${index}`}>Model</label>
                <input
                  id={`target-model-${index}`}
                  required
                  placeholder="gpt-4o-mini"
                  value={target.model}
                  onChange={(event) => updateTarget(index, { model: event.target.value })}
                />
              </div>
              {strategy === 'weighted' ? (
                <div className="field">
                  <label htmlFor={`target-weight-${index}`}>Weight</label>
                  <input
                    id={`target-weight-${index}`}
                    type="number"
                    min={0}
                    step="any"
                    value={target.weight}
                    onChange={(event) => updateTarget(index, { weight: Number(event.target.value) })}
                  />
                </div>
              ) : null}
              <button
                type="button"
                className="button small danger-text"
                aria-label={`Remove target ${index + 1}`}
                disabled={targets.length === 1}
                onClick={() => setTargets(targets.filter((_, i) => i !== index))}
              >
                Remove
              </button>
            </fieldset>
          ))}
          <div>
            <button type="button" className="button small" onClick={() => setTargets([...targets, { provider: '', model: '', weight: 1 }])}>
              Add target
            </button>
          </div>
        </fieldset>
        <div className="form-grid">
          <div className="field">
            <label htmlFor="rule-attempts">Attempts per target</label>
            <input
              id="rule-attempts"
              type="number"
              min={1}
              max={10}
              value={attempts}
              onChange={(event) => setAttempts(event.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor="rule-backoff">Backoff (ms)</label>
            <input id="rule-backoff" type="number" min={0} value={backoffMs} onChange={(event) => setBackoffMs(event.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="rule-retry-on">Retry on statuses</label>
            <input
              id="rule-retry-on"
              pattern={STATUS_LIST_PATTERN}
              title="HTTP statuses separated by commas, e.g. 429, 500, 503"
              value={retryOn}
              onChange={(event) => setRetryOn(event.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor="rule-timeout">Timeout (ms)</label>
            <input
              id="rule-timeout"
              type="number"
              min={100}
              placeholder="Server default"
              value={timeoutMs}
              onChange={(event) => setTimeoutMs(event.target.value)}
            />
          </div>
        </div>
        <ErrorMessage error={save.error} fields={RULE_FIELDS} />
        <div className="dialog-actions">
          <DialogClose>
            <button type="button" className="button">
              Cancel
            </button>
          </DialogClose>
          <button type="submit" className="button primary" disabled={save.isPending}>
            Save rule
          </button>
        </div>
      </form>
    </Dialog>
  );
}
