import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.js';

const tracing = (env: Record<string, string>) => loadConfig({ DATABASE_URL: 'sqlite::memory:', ...env }).tracing.enabled;

describe('OpenTelemetry settings', () => {
  it('traces when an OTLP endpoint is set, unless the SDK is disabled', () => {
    expect(tracing({})).toBe(false);
    expect(tracing({ OTEL_EXPORTER_OTLP_ENDPOINT: '' })).toBe(false);
    expect(tracing({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBe(true);
    expect(tracing({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://collector.example/v1/traces' })).toBe(true);
    expect(tracing({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'true' })).toBe(false);
    expect(tracing({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'false' })).toBe(true);
  });

  it('stops start-up on an endpoint that is not an http(s) URL', () => {
    try {
      tracing({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems[0]).toContain('OTEL_EXPORTER_OTLP_ENDPOINT');
    }
  });
});
