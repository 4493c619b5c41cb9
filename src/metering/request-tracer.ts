// OpenTelemetry traces out: each metered request is a span, each upstream attempt a child span, exported over
// OTLP/HTTP by the official SDK. The caller's W3C trace context is continued, and each attempt's is sent upstream.
import type { IncomingHttpHeaders } from 'node:http';
import {
  type Context,
  DiagLogLevel,
  defaultTextMapGetter,
  defaultTextMapSetter,
  diag,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { defaultResource, detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { Logger } from 'pino';
import type { RequestMeter } from './request-meter.js';
import {
  type AttemptTarget,
  attemptAttributes,
  type FinishedRequest,
  failureAttributes,
  operationOf,
  requestAttributes,
} from './span-attributes.js';

export type { AttemptTarget, FinishedRequest } from './span-attributes.js';

/** One upstream attempt's span, from its start; a successful attempt's ends with its request (its stream included). */
export interface AttemptSpan {
  failed(error: unknown): void;
}

interface RequestTrace {
  span: Span;
  /** The request span's context: its attempts' parent. */
  context: Context;
  /** Attempt spans still open. */
  open: Span[];
  attempts: number;
  /** The client connection's signal, once an attempt has started. */
  signal?: AbortSignal;
}

/**
 * The tracer of one runtime. Nothing is registered globally (no global tracer provider, context manager or
 * propagator), so several runtimes in one process each export their own spans; the spans' parents are passed
 * explicitly rather than through an async context. Sampling, the exporter's endpoint, headers, timeout and
 * compression, the batch sizes and the resource come from the standard OTEL_* variables, read by the SDK.
 */
export class RequestTracer {
  private readonly provider: BasicTracerProvider;
  private readonly tracer: Tracer;
  private readonly propagator = new W3CTraceContextPropagator();
  private readonly requests = new WeakMap<RequestMeter, RequestTrace>();
  /**
   * The attempt under way on each client connection (its cancellation signal, which every upstream call carries),
   * whose trace context the upstream client sends. An HTTP/1.1 connection carries one request at a time, and a
   * request's attempts run one after another.
   */
  private readonly current = new WeakMap<AbortSignal, Span>();

  constructor(private readonly logger: Logger) {
    const resource = defaultResource()
      .merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: 'shuttle' }))
      // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES override the default name.
      .merge(detectResources({ detectors: [envDetector] }));
    this.provider = new BasicTracerProvider({
      resource,
      spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
    });
    this.tracer = this.provider.getTracer('shuttle');
    // The SDK reports failed exports through its diagnostic logger, silent unless one is set. It is process-wide;
    // the latest runtime's logger gets the messages.
    diag.setLogger(
      {
        error: (message, ...args) => logger.warn({ details: args.map(String) }, `OpenTelemetry: ${message}`),
        warn: (message, ...args) => logger.warn({ details: args.map(String) }, `OpenTelemetry: ${message}`),
        info: () => undefined,
        debug: () => undefined,
        verbose: () => undefined,
      },
      { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true },
    );
  }

  /** Starts the request's span, continuing the caller's traceparent and tracestate when it sent them. */
  requestStarted(meter: RequestMeter, headers: IncomingHttpHeaders): void {
    try {
      if (!this.requests.has(meter)) this.requests.set(meter, this.startRequest(meter, headers));
    } catch (error) {
      this.failedToTrace(error);
    }
  }

  /** Starts an attempt's span under its request's; null for calls outside a traced request (a CLI flow run). */
  attemptStarted(meter: RequestMeter, signal: AbortSignal, target: AttemptTarget): AttemptSpan | null {
    const request = this.requests.get(meter);
    if (request === undefined) return null;
    let span: Span;
    try {
      span = this.tracer.startSpan(
        `${operationOf(meter.endpoint)} ${target.model}`,
        { kind: SpanKind.CLIENT, attributes: attemptAttributes(meter.endpoint, target, ++request.attempts) },
        request.context,
      );
    } catch (error) {
      this.failedToTrace(error);
      return null;
    }
    request.open.push(span);
    request.signal = signal;
    this.current.set(signal, span);
    return {
      failed: (error) => {
        const open = request.open.indexOf(span);
        // Ended with its request already: the client left while the provider had the call.
        if (open === -1) return;
        request.open.splice(open, 1);
        if (this.current.get(signal) === span) this.current.delete(signal);
        span.setAttributes(failureAttributes(error));
        span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
        span.end();
      },
    };
  }

  /** The headers of an upstream call with the trace context of the attempt it belongs to, if any. */
  withTraceContext(signal: AbortSignal, headers: Record<string, string>): Record<string, string> {
    const span = this.current.get(signal);
    if (span === undefined) return headers;
    const traced = { ...headers };
    this.propagator.inject(trace.setSpan(ROOT_CONTEXT, span), traced, defaultTextMapSetter);
    return traced;
  }

  /** Ends the request's span (and its attempts still open) with what the meter holds; starts it first if need be. */
  requestFinished(meter: RequestMeter, headers: IncomingHttpHeaders, finished: FinishedRequest): void {
    try {
      this.finishRequest(meter, headers, finished);
    } catch (error) {
      this.failedToTrace(error);
    }
  }

  /** Exports the spans ended so far. */
  flush(): Promise<void> {
    return this.provider.forceFlush();
  }

  /** Exports what is left and stops. */
  close(): Promise<void> {
    return this.provider.shutdown();
  }

  private finishRequest(meter: RequestMeter, headers: IncomingHttpHeaders, finished: FinishedRequest): void {
    const request = this.requests.get(meter) ?? this.startRequest(meter, headers);
    this.requests.delete(meter);
    const endTime = performance.timeOrigin + finished.endedAt;
    // A later call on the same connection belongs to another request.
    const live = request.signal && this.current.get(request.signal);
    if (live && request.open.includes(live)) this.current.delete(request.signal as AbortSignal);
    for (const span of request.open) span.end(endTime);
    request.open.length = 0;
    const { span } = request;
    if (meter.requestedModel !== null) span.updateName(`${operationOf(meter.endpoint)} ${meter.requestedModel}`);
    span.setAttributes(requestAttributes(meter, finished));
    if (finished.status >= 400) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end(endTime);
  }

  /** Tracing never fails a request: whatever goes wrong in it is logged and the request goes on untraced. */
  private failedToTrace(error: unknown): void {
    this.logger.warn({ err: error }, 'OpenTelemetry: a span could not be recorded');
  }

  private startRequest(meter: RequestMeter, headers: IncomingHttpHeaders): RequestTrace {
    const parent = this.propagator.extract(ROOT_CONTEXT, headers, defaultTextMapGetter);
    const span = this.tracer.startSpan(
      operationOf(meter.endpoint),
      { kind: SpanKind.SERVER, startTime: performance.timeOrigin + meter.startedAt },
      parent,
    );
    return { span, context: trace.setSpan(parent, span), open: [], attempts: 0 };
  }
}
