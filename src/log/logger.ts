import { pino, type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs. Tokens and query strings never reach them: see safePath and the redact list. */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      base: { service: 'nblaunch' },
      redact: { paths: ['token', '*.token', 'authorization', '*.authorization', 'redisUrl', '*.redisUrl'], censor: '[redacted]' },
    },
    destination as never,
  );
}

/** The path of a URL without its query string, for logs. */
export function safePath(url: string | undefined): string {
  if (!url) return '';
  const end = url.search(/[?#]/);
  return end === -1 ? url : url.slice(0, end);
}
