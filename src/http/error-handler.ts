import { randomUUID } from 'node:crypto';
import type { Context, Next } from 'koa';
import { LauncherError } from '../errors/launcher-error.js';
import { safePath, type Logger } from '../log/logger.js';
import { wantsHtml } from './negotiation.js';
import { renderMessage } from './pages.js';

const retryAfterSeconds = 10;

function headingFor(error: LauncherError): string {
  if (error.reason === 'sign-in-rate-limit') return 'Too many sign-in attempts';
  if (error.reason === 'not-your-server') return 'Not your server';
  if (error.status === 429) return 'No free servers right now';
  if (error.status === 410) return 'This link no longer works';
  if (error.status === 404) return 'Nothing here';
  if (error.status >= 500) return 'Your server could not be started';
  return 'That did not work';
}

export function toLauncherError(error: unknown, requestId: string): LauncherError {
  if (error instanceof LauncherError) return error;
  const status = (error as { status?: unknown } | null)?.status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new LauncherError(status, 'bad-request', (error as Error).message || 'The request was not understood.');
  }
  return new LauncherError(500, 'internal', `Something went wrong inside the launcher. It has been logged as ${requestId}; try again, and tell the operator if it keeps happening.`, { cause: error });
}

/** The one place errors become responses: JSON `{status, reason, message}` or a friendly page. */
export function errorHandler(logger: Logger) {
  return async (ctx: Context, next: Next): Promise<void> => {
    try {
      await next();
    } catch (caught) {
      const requestId = randomUUID();
      const error = toLauncherError(caught, requestId);
      const entry = { requestId, method: ctx.method, path: safePath(ctx.url), status: error.status, reason: error.reason };
      if (error.expected) logger.info(entry, error.message);
      else logger.error({ ...entry, err: caught }, error.message);
      ctx.status = error.status;
      const retryAfter = typeof error.details.retryAfterSeconds === 'number' ? error.details.retryAfterSeconds : retryAfterSeconds;
      if (error.status === 429 || error.status === 503) ctx.set('Retry-After', String(retryAfter));
      const waitForServer = error.status === 429 && error.reason !== 'sign-in-rate-limit';
      if (wantsHtml(ctx.req)) {
        ctx.type = 'html';
        ctx.body = renderMessage({
          title: headingFor(error),
          heading: headingFor(error),
          message: error.message,
          ...(waitForServer ? { refreshSeconds: retryAfterSeconds, refreshTo: '/launch', actionHref: '/launch', actionLabel: 'Try again now' } : {}),
        });
      } else {
        ctx.body = { status: error.status, reason: error.reason, message: error.message };
      }
    }
  };
}
