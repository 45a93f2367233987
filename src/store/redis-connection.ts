import { createClient } from 'redis';
import { LauncherError } from '../errors/launcher-error.js';
import type { Logger } from '../log/logger.js';

export type RedisClient = ReturnType<typeof createClient>;

const connectTimeoutMs = 5000;

function storeDown(cause: unknown): LauncherError {
  return new LauncherError(503, 'store-unavailable', 'The launcher\'s session store (Redis) is not reachable right now, so this request cannot be served. Try again in a minute; if it lasts, the operator should check Redis.', { cause });
}

/**
 * Runs one store operation. Commands fail at once while Redis is down (no offline queue),
 * and every such failure becomes the same clear 503 instead of a hang or a crash.
 */
export async function storeCall<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (error instanceof LauncherError) throw error;
    throw storeDown(error);
  }
}

export function redisOptionsFor(url: string): Parameters<typeof createClient>[0] {
  const reconnectStrategy = (retries: number) => Math.min(100 * 2 ** retries, 2000);
  if (url.startsWith('/') || url.startsWith('unix:')) {
    return { socket: { path: url.replace(/^unix:(\/\/)?/, ''), reconnectStrategy, connectTimeout: connectTimeoutMs }, disableOfflineQueue: true };
  }
  return { url, socket: { reconnectStrategy, connectTimeout: connectTimeoutMs }, disableOfflineQueue: true };
}

/** Connects, or throws a clear error when Redis does not answer at start-up. */
export async function connectRedis(url: string, logger: Logger): Promise<RedisClient> {
  const client = createClient(redisOptionsFor(url));
  let lastError = '';
  client.on('error', (error: Error) => {
    if (error.message !== lastError) logger.warn({ err: error.message }, 'redis connection problem');
    lastError = error.message;
  });
  client.on('ready', () => {
    if (lastError) logger.info('redis connection restored');
    lastError = '';
  });
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no answer')), connectTimeoutMs).unref());
  try {
    await Promise.race([client.connect(), timeout]);
    await client.ping();
  } catch (error) {
    client.destroy();
    throw new LauncherError(503, 'store-unavailable', `Cannot reach Redis (${lastError || (error as Error).message}). Check REDIS_URL, or leave it empty to let nblaunch start its own redis-server.`, { cause: error });
  }
  return client;
}
