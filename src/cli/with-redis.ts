import type { Config } from '../config/schema.js';
import type { Logger } from '../log/logger.js';
import { EmbeddedRedis } from '../store/embedded-redis.js';
import { connectRedis, type RedisClient } from '../store/redis-connection.js';

/** Runs `work` against the launcher's Redis: REDIS_URL, else the private redis-server (reused when the launcher runs). */
export async function withRedis<T>(config: Config, logger: Logger, work: (redis: RedisClient) => Promise<T>): Promise<T> {
  const embedded = config.redisUrl ? undefined : new EmbeddedRedis(config.dataDir, logger);
  await embedded?.start();
  const redis = await connectRedis(config.redisUrl || embedded!.url, logger);
  try {
    return await work(redis);
  } finally {
    redis.destroy();
    await embedded?.stop();
  }
}
