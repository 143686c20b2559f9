/** One problem of an error answer (the spec's ErrorDetail). */
export type ErrorDetail = { code: string; message: string; target?: string };

/** An error the proxy answers with: it renders itself as the spec's ErrorResponse. */
export class ProxyError extends Error {
  readonly target: string | undefined;
  readonly details: ErrorDetail[] | undefined;
  readonly headers: Record<string, string>;

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    options: { target?: string; details?: ErrorDetail[]; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.target = options.target;
    this.details = options.details;
    this.headers = options.headers ?? {};
  }

  body(): { error: Record<string, unknown> } {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.target !== undefined ? { target: this.target } : {}),
        ...(this.details !== undefined ? { details: this.details } : {}),
        // Flow cannot read headers: the wait Retry-After asks for is in the body too.
        ...(this.headers["retry-after"] !== undefined
          ? { retryAfterSeconds: Number(this.headers["retry-after"]) }
          : {}),
      },
    };
  }
}
