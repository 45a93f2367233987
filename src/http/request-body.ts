import type { Context } from 'koa';
import { LauncherError } from '../errors/launcher-error.js';

/** Enough for an attendee list of many thousands of rows. */
export const maxBodyBytes = 1024 * 1024;

const cacheKey = Symbol('request body');

/** The request body as UTF-8 text, read once (later calls get the same text), at most `maxBytes`. */
export async function readText(ctx: Context, maxBytes = maxBodyBytes): Promise<string> {
  const state = ctx.state as Record<symbol, Promise<string> | undefined>;
  state[cacheKey] ??= (async () => {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxBytes) {
        throw new LauncherError(413, 'body-too-large', `The request body is larger than ${Math.round(maxBytes / 1024)} KiB. Split the list into smaller parts.`);
      }
      chunks.push(chunk);
    }
    return Buffer.concat(chunks).toString('utf8');
  })();
  return state[cacheKey];
}

export function hasType(ctx: Context, type: string): boolean {
  return (ctx.get('content-type').split(';')[0] ?? '').trim().toLowerCase() === type;
}

export async function readForm(ctx: Context): Promise<URLSearchParams> {
  return new URLSearchParams(hasType(ctx, 'application/x-www-form-urlencoded') ? await readText(ctx) : '');
}

export async function readJson(ctx: Context): Promise<unknown> {
  if (!hasType(ctx, 'application/json')) {
    throw new LauncherError(415, 'json-required', 'Send this request as JSON, with the header Content-Type: application/json.');
  }
  const text = await readText(ctx);
  try {
    return JSON.parse(text);
  } catch {
    throw new LauncherError(400, 'bad-json', 'The request body is not valid JSON.');
  }
}
