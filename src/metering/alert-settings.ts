// Where a tenant wants limit alerts sent: a webhook URL, the fractions of a limit that trigger one, and the secret
// the payloads are signed with.
import { z } from 'zod';

export const alertSettingsPatch = z
  .object({
    webhookUrl: z
      .url({ protocol: /^https?$/ })
      .nullable()
      .optional(),
    thresholds: z.array(z.number().gt(0).max(1)).min(1).max(5).optional(),
  })
  .strict();

export interface AlertSettings {
  webhookUrl: string | null;
  thresholds: number[];
  signingSecret: string | null;
}

export const DEFAULT_THRESHOLDS = [0.8, 1];

export function parseAlertSettings(value: unknown): AlertSettings {
  const stored = (value ?? {}) as Partial<AlertSettings>;
  return {
    webhookUrl: stored.webhookUrl ?? null,
    thresholds: stored.thresholds ?? DEFAULT_THRESHOLDS,
    signingSecret: stored.signingSecret ?? null,
  };
}
