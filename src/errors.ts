/** Exit codes of every command (design.md §2). */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/**
 * The one base error of the project. Everything outside `src/cli/` throws these; the CLI's error boundary
 * prints `message` as one sentence and exits with `exitCode`. Anything else is treated as a bug.
 */
export class KintoneOpenapiError extends Error {
  readonly exitCode: ExitCode;
  /** Extra lines printed under the message (a list of problems, say); never secrets. */
  readonly details: readonly string[];

  constructor(
    message: string,
    options: { exitCode?: ExitCode; cause?: unknown; details?: readonly string[] } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.exitCode = options.exitCode ?? EXIT.failed;
    this.details = options.details ?? [];
  }
}

/** A flag, env var or config value is missing or wrong: exit 2. */
export class UsageError extends KintoneOpenapiError {
  constructor(message: string, options: { cause?: unknown; details?: readonly string[] } = {}) {
    super(message, { ...options, exitCode: EXIT.usage });
  }
}

/** The config file is unreadable or invalid: exit 2. */
export class ConfigError extends UsageError {}

/** Kintone (or the network in front of it) answered with an error: exit 1. */
export class KintoneError extends KintoneOpenapiError {
  readonly code: string | undefined;
  readonly status: number | undefined;
  constructor(message: string, options: { code?: string; status?: number; cause?: unknown } = {}) {
    super(message, { exitCode: EXIT.failed, cause: options.cause });
    this.code = options.code;
    this.status = options.status;
  }
}

/** A metadata snapshot directory is missing, incomplete or malformed: exit 2 (it is an input the user gave). */
export class SnapshotError extends UsageError {}
