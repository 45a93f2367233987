import { parseArgs } from 'node:util';
import type { Config } from '../config/schema.js';
import { chooseImagesToPrune } from '../build/image-pruner.js';
import { buildLabels } from '../build/image-name.js';
import { createLogger } from '../log/logger.js';
import { labelKeys } from '../runtime/labels.js';
import { DockerImageStore } from '../runtime/image-store.js';
import { DockerSpawner } from '../runtime/docker-spawner.js';
import { EmbeddedRedis } from '../store/embedded-redis.js';
import { connectRedis } from '../store/redis-connection.js';
import { RedisImageUsage } from '../store/redis-image-usage.js';

const megabytes = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;

/** `images list` and `images prune`: only images this launcher instance built (labels role=build, instance); the base image is never touched. */
export async function imagesCommand(args: string[], config: Config, out: (line: string) => void = console.log): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { keep: { type: 'string', default: '10' }, 'dry-run': { type: 'boolean' } } });
  const action = positionals[0];
  if (action !== 'list' && action !== 'prune') {
    console.error('usage: nblaunch images list | nblaunch images prune [--keep N] [--dry-run]');
    return 2;
  }
  const keep = Number(values.keep);
  if (!Number.isInteger(keep) || keep < 0) {
    console.error('--keep takes a whole number of images to keep');
    return 2;
  }
  const logger = createLogger('warn');
  const embedded = config.redisUrl ? undefined : new EmbeddedRedis(config.dataDir, logger);
  await embedded?.start();
  const redis = await connectRedis(config.redisUrl || embedded!.url, logger);
  try {
    const images = new DockerImageStore();
    const built = await images.list({ [labelKeys.managed]: 'true', [buildLabels.role]: 'build', [buildLabels.instance]: config.instance });
    const lastUsed = await new RedisImageUsage(redis, config.instance).all();
    const running = await new DockerSpawner({ instance: config.instance, logger }).list();
    const inUse = new Set(running.map((server) => server.labels[labelKeys.image] ?? '').filter(Boolean));
    const choice = chooseImagesToPrune(built, lastUsed, inUse, action === 'list' ? built.length : keep);
    const ordered = action === 'list' ? choice.keep : choice.remove;
    for (const image of ordered) {
      const used = Math.max(image.createdAt, ...image.tags.map((tag) => lastUsed.get(tag) ?? 0));
      out(`${image.tags.join(',') || image.id}\t${megabytes(image.sizeBytes)}\tlast used ${new Date(used).toISOString()}`);
    }
    if (action === 'prune') {
      if (!values['dry-run']) for (const image of choice.remove) await images.remove(image.id);
      out(`${values['dry-run'] ? 'would remove' : 'removed'} ${choice.remove.length} image(s); ${choice.keep.length} kept`);
    }
    return 0;
  } finally {
    redis.destroy();
    await embedded?.stop();
  }
}
