import type { z } from 'zod';
import { configSchema } from './schema.js';

export interface SettingInfo {
  path: string[];
  key: string;
  env: string;
  defaultValue: unknown;
  help: string;
}

/** Environment names kept for compatibility with the usual conventions. */
export const envAliases: Record<string, string> = { port: 'PORT', redisUrl: 'REDIS_URL', 'auth.organizerToken': 'NBLAUNCH_ORGANIZER_TOKEN' };

export function envNameFor(path: string[]): string {
  const snake = path.map((part) => part.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase());
  return `NBLAUNCH_${snake.join('_')}`;
}

type AnySchema = z.ZodType & { _zod: { def: { innerType?: AnySchema; shape?: Record<string, AnySchema> } } };

function unwrap(schema: AnySchema): AnySchema {
  let current = schema;
  while (current._zod.def.innerType) current = current._zod.def.innerType;
  return current;
}

function collect(schema: AnySchema, path: string[], defaults: unknown, into: SettingInfo[]): void {
  const inner = unwrap(schema);
  const shape = inner._zod.def.shape;
  if (shape) {
    for (const [name, child] of Object.entries(shape)) {
      collect(child, [...path, name], (defaults as Record<string, unknown>)[name], into);
    }
    return;
  }
  const key = path.join('.');
  into.push({ path, key, env: envNameFor(path), defaultValue: defaults, help: schema.description ?? '' });
}

/** Every leaf setting with its environment variable, default and help, in schema order. */
export function listSettings(): SettingInfo[] {
  const settings: SettingInfo[] = [];
  collect(configSchema as unknown as AnySchema, [], configSchema.parse({}), settings);
  return settings;
}
