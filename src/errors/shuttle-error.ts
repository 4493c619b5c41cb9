// The one error family: anything thrown with these is written in the OpenAI error shape by the HTTP error handler.
import { type ErrorCode, errorCatalogue } from './catalogue.js';

export interface ErrorBody {
  error: { message: string; type: string; code: string | null; param: string | null; provider?: string; innererror?: unknown };
}

export interface ShuttleErrorOptions {
  message?: string;
  param?: string | undefined;
  headers?: Record<string, string>;
  cause?: unknown;
  /** Overrides used to pass an upstream provider's own status, type and code through unchanged. */
  status?: number;
  type?: string;
  wireCode?: string;
  /** A provider's own error details, passed on as they came (Azure's content-filter results). */
  innererror?: unknown;
}

export class ShuttleError extends Error {
  readonly status: number;
  readonly type: string;
  readonly code: string;
  readonly param: string | null;
  readonly headers: Record<string, string>;

  constructor(code: ErrorCode, options: ShuttleErrorOptions = {}) {
    const entry = errorCatalogue[code];
    super(options.message ?? entry.message, { cause: options.cause });
    this.name = new.target.name;
    this.status = options.status ?? entry.status;
    this.type = options.type ?? entry.type;
    this.code = options.wireCode ?? code;
    this.param = options.param ?? null;
    this.headers = options.headers ?? {};
  }

  toBody(): ErrorBody {
    return { error: { message: this.message, type: this.type, code: this.code, param: this.param } };
  }
}

export class InvalidRequestError extends ShuttleError {
  constructor(message: string, param?: string, code: 'invalid_request' | 'invalid_json' | 'invalid_customer_id' = 'invalid_request') {
    super(code, { message, param });
  }
}

/** The catalogue's codes answered with this status: a class below takes only those, so its name implies its status. */
export type CodeWithStatus<S extends number> = {
  [C in ErrorCode]: (typeof errorCatalogue)[C]['status'] extends S ? C : never;
}[ErrorCode];

type ClassOptions = Omit<ShuttleErrorOptions, 'status'>;

export class AuthenticationError extends ShuttleError {
  constructor(code: CodeWithStatus<401>, options?: ClassOptions) {
    super(code, options);
  }
}
export class PermissionDeniedError extends ShuttleError {
  constructor(code: CodeWithStatus<403>, options?: ClassOptions) {
    super(code, options);
  }
}
export class ConflictError extends ShuttleError {
  constructor(code: CodeWithStatus<409>, options?: ClassOptions) {
    super(code, options);
  }
}
export class RateLimitError extends ShuttleError {
  constructor(code: CodeWithStatus<429>, options?: ClassOptions) {
    super(code, options);
  }
}

export class NotFoundError extends ShuttleError {
  constructor(message = 'Not found.', code: 'not_found' | 'model_not_found' = 'not_found') {
    super(code, { message });
  }
}

export type UpstreamFailure =
  | 'upstream_error'
  | 'upstream_unreachable'
  | 'upstream_interrupted'
  | 'upstream_timeout'
  | 'upstream_invalid_response'
  | 'upstream_address_refused';

/** An upstream provider failed: keeps the provider's status, message, type and code, tagged with the provider. */
export class UpstreamError extends ShuttleError {
  readonly provider: string;
  readonly failure: UpstreamFailure;
  readonly innererror: unknown;

  constructor(provider: string, failure: UpstreamFailure, options: ShuttleErrorOptions = {}) {
    super(failure, options);
    this.provider = provider;
    this.failure = failure;
    this.innererror = options.innererror;
  }

  override toBody(): ErrorBody {
    const body = super.toBody();
    body.error.provider = this.provider;
    if (this.innererror !== undefined) body.error.innererror = this.innererror;
    return body;
  }
}
