/**
 * The one error type of the launcher. `status` is the HTTP status, `reason` a stable
 * machine-readable code, and `message` is written for the person who reads it: what went
 * wrong and what to do. `expected` errors (bad input, full capacity) are logged without a stack.
 */
export class LauncherError extends Error {
  override name = 'LauncherError';
  readonly status: number;
  readonly reason: string;
  readonly expected: boolean;
  readonly details: Record<string, unknown>;

  constructor(status: number, reason: string, message: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super(message, { cause: options.cause });
    this.status = status;
    this.reason = reason;
    this.expected = status < 500;
    this.details = options.details ?? {};
  }
}

export function isLauncherError(error: unknown): error is LauncherError {
  return error instanceof LauncherError;
}

const unreachableCodes = new Set(['ECONNREFUSED', 'ENOENT', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH']);

export function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && unreachableCodes.has(code);
}
