// "New plan" and "Edit": a plan's name, allowed models, cost and rate limits, concurrency cap and model multipliers.
import { type FormEvent, useEffect, useState } from 'react';
import { useCreatePlan, useUpdatePlan } from '../../api/operators';
import type { Plan, PlanInput } from '../../api/types';
import { Dialog, DialogClose } from '../../components/dialog';
import { ErrorMessage } from '../../components/error-message';
import { LIMIT_FIELDS, LimitFields, type LimitValues, toLimits, toValues } from '../../components/limits-form';
import { useToast } from '../../components/toaster';

const NO_LIMITS = {
  costUsd: { day: null, month: null, total: null },
  requestsPerMinute: null,
  tokensPerMinute: null,
  concurrentRequests: null,
};

const FIELDS = {
  name: 'Name',
  allowedModels: 'Allowed models',
  maxConcurrentRequests: 'Max concurrent requests',
  modelMultipliers: 'Model multipliers',
  ...LIMIT_FIELDS,
};

interface Multiplier {
  model: string;
  factor: string;
}

interface PlanDialogProps {
  open: boolean;
  /** The plan to edit; null: a new one. */
  plan: Plan | null;
  onClose: () => void;
}

export function PlanDialog({ open, plan, onClose }: PlanDialogProps) {
  const create = useCreatePlan();
  const update = useUpdatePlan();
  const save = plan ? update : create;
  const notify = useToast();
  const [name, setName] = useState('');
  const [models, setModels] = useState('');
  const [limits, setLimits] = useState<LimitValues>(() => toValues(NO_LIMITS));
  const [maxConcurrent, setMaxConcurrent] = useState('');
  const [multipliers, setMultipliers] = useState<Multiplier[]>([]);
  useEffect(() => {
    if (!open) return;
    setName(plan?.name ?? '');
    setModels(plan?.allowedModels?.join(', ') ?? '');
    setLimits(toValues(plan?.limits ?? NO_LIMITS));
    setMaxConcurrent(plan?.maxConcurrentRequests?.toString() ?? '');
    setMultipliers(Object.entries(plan?.modelMultipliers ?? {}).map(([model, factor]) => ({ model, factor: String(factor) })));
  }, [open, plan]);

  const close = () => {
    create.reset();
    update.reset();
    onClose();
  };
  const updateMultiplier = (index: number, change: Partial<Multiplier>) =>
    setMultipliers(multipliers.map((row, i) => (i === index ? { ...row, ...change } : row)));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const allowed = models
      .split(/[\s,]+/)
      .map((model) => model.trim())
      .filter(Boolean);
    const body: PlanInput = {
      name: name.trim(),
      allowedModels: allowed.length > 0 ? allowed : null,
      limits: toLimits(limits),
      maxConcurrentRequests: maxConcurrent.trim() === '' ? null : Number(maxConcurrent),
      modelMultipliers: Object.fromEntries(multipliers.map((row) => [row.model.trim(), Number(row.factor)])),
    };
    const done = (saved: Plan) => {
      notify(plan ? `Plan "${saved.name}" saved` : `Plan "${saved.name}" created`);
      close();
    };
    if (plan) update.mutate({ id: plan.id, ...body }, { onSuccess: done });
    else create.mutate(body, { onSuccess: done });
  };

  return (
    <Dialog open={open} onOpenChange={(next) => (next ? undefined : close())} title={plan ? `Edit "${plan.name}"` : 'New plan'} wide>
      <form onSubmit={submit} className="stack">
        <div className="form-grid">
          <div className="field">
            <label htmlFor="plan-name">Name</label>
            <input id="plan-name" required maxLength={64} value={name} onChange={(event) => setName(event.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="plan-max-concurrent">Max concurrent requests</label>
            <input
              id="plan-max-concurrent"
              type="number"
              inputMode="numeric"
              min={1}
              step={1}
              placeholder="No cap"
              aria-describedby="plan-max-concurrent-hint"
              value={maxConcurrent}
              onChange={(event) => setMaxConcurrent(event.target.value)}
            />
            <p className="hint" id="plan-max-concurrent-hint">
              Requests of one tenant in flight at once; the next gets 429.
            </p>
          </div>
        </div>
        <div className="field">
          <label htmlFor="plan-models">Allowed models</label>
          <input
            id="plan-models"
            placeholder="Every model"
            aria-describedby="plan-models-hint"
            value={models}
            onChange={(event) => setModels(event.target.value)}
          />
          <p className="hint" id="plan-models-hint">
            Models or patterns, separated by commas (openai/*, anthropic/claude-*). Empty: every model. A tenant's own list narrows it.
          </p>
        </div>
        <fieldset className="stack">
          <legend>Limits</legend>
          <LimitFields values={limits} onChange={setLimits} idPrefix="plan-limits" omit={['concurrentRequests']} />
          <p className="hint">Empty: no limit. A tenant's effective limits are the stricter of its plan's and its own.</p>
        </fieldset>
        <fieldset className="stack">
          <legend>Model multipliers</legend>
          <p className="hint">
            What a tenant is billed for a model: the provider's cost times the factor. "*" is every other model; absent models bill at 1.
          </p>
          {multipliers.map((row, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows are edited in place; their position is their identity
            <fieldset className="target-row" key={index}>
              <legend className="visually-hidden">Multiplier {index + 1}</legend>
              <div className="field">
                <label htmlFor={`multiplier-model-${index}`}>Model</label>
                <input
                  id={`multiplier-model-${index}`}
                  required
                  placeholder="openai/gpt-4o"
                  value={row.model}
                  onChange={(event) => updateMultiplier(index, { model: event.target.value })}
                />
              </div>
              <div className="field">
                <label htmlFor={`multiplier-factor-${index}`}>Factor</label>
                <input
                  id={`multiplier-factor-${index}`}
                  type="number"
                  inputMode="decimal"
                  required
                  min={0}
                  step="any"
                  value={row.factor}
                  onChange={(event) => updateMultiplier(index, { factor: event.target.value })}
                />
              </div>
              <button
                type="button"
                className="button small danger-text"
                aria-label={`Remove multiplier ${index + 1}`}
                onClick={() => setMultipliers(multipliers.filter((_, i) => i !== index))}
              >
                Remove
              </button>
            </fieldset>
          ))}
          <div>
            <button type="button" className="button small" onClick={() => setMultipliers([...multipliers, { model: '', factor: '1' }])}>
              Add multiplier
            </button>
          </div>
        </fieldset>
        <ErrorMessage error={save.error} fields={FIELDS} />
        <div className="dialog-actions">
          <DialogClose>
            <button type="button" className="button">
              Cancel
            </button>
          </DialogClose>
          <button type="submit" className="button primary" disabled={save.isPending} aria-busy={save.isPending}>
            {plan ? 'Save plan' : 'Create plan'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
