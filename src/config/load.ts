import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { configSchema, type Config } from './schema.js';
import { envAliases, listSettings } from './keys.js';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Environment variables with the NBLAUNCH_ prefix that are not settings themselves. */
const nonSettingEnv = new Set(['NBLAUNCH_CONFIG', 'NBLAUNCH_SKIP_SETUP']);

type Raw = Record<string, unknown>;

function setPath(target: Raw, path: string[], value: unknown): void {
  let node = target;
  for (const part of path.slice(0, -1)) {
    if (typeof node[part] !== 'object' || node[part] === null) node[part] = {};
    node = node[part] as Raw;
  }
  node[path[path.length - 1]!] = value;
}

function mergeDeep(base: Raw, over: Raw): Raw {
  const out: Raw = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = out[key];
    const bothObjects = typeof value === 'object' && value !== null && !Array.isArray(value)
      && typeof current === 'object' && current !== null && !Array.isArray(current);
    out[key] = bothObjects ? mergeDeep(current as Raw, value as Raw) : value;
  }
  return out;
}

function readYaml(file: string): Raw {
  let parsed: unknown;
  try {
    parsed = parseYaml(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`Cannot read configuration file ${file}: ${(error as Error).message}`);
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError(`Configuration file ${file} must hold a mapping of settings`);
  }
  return parsed as Raw;
}

/** Where each setting's value came from, by key: `env PORT`, `/etc/nblaunch.yaml`, ... */
type Sources = Map<string, string>;

function envOverrides(env: NodeJS.ProcessEnv, sources: Sources): Raw {
  const raw: Raw = {};
  const known = new Set<string>();
  for (const setting of listSettings()) {
    known.add(setting.env);
    const alias = envAliases[setting.key];
    if (alias) known.add(alias);
    const name = env[setting.env] ? setting.env : alias && env[alias] ? alias : undefined;
    if (name === undefined) continue;
    setPath(raw, setting.path, env[name]);
    sources.set(setting.key, `env ${name}`);
  }
  const unknown = Object.keys(env).filter((name) => name.startsWith('NBLAUNCH_') && !known.has(name) && !nonSettingEnv.has(name));
  if (unknown.length > 0) {
    throw new ConfigError(`Unknown environment variable ${unknown.join(', ')}: no such setting (see the configuration table in README.md)`);
  }
  return raw;
}

/** Records `source` for every setting that `layer` sets (a file's keys, the caller's overrides). */
function noteSources(layer: Raw, source: string, sources: Sources): void {
  for (const setting of listSettings()) {
    let node: unknown = layer;
    for (const part of setting.path) node = typeof node === 'object' && node !== null ? (node as Raw)[part] : undefined;
    if (node !== undefined) sources.set(setting.key, source);
  }
}

function describeIssue(issue: { path: PropertyKey[]; message: string; code: string; keys?: string[] }, sources: Sources): string {
  const key = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys' && issue.keys) {
    const names = issue.keys.map((name) => (key ? `${key}.${name}` : name));
    const fileOf = [...new Set(issue.keys.map((name) => sources.get(`?${key ? `${key}.` : ''}${name}`)).filter(Boolean))];
    return `unknown setting ${names.join(', ')}${fileOf.length > 0 ? ` (in ${fileOf.join(', ')})` : ''}`;
  }
  const setting = listSettings().find((candidate) => key === candidate.key || key.startsWith(`${candidate.key}.`));
  if (!setting) return `${key || '(root)'}: ${issue.message}`;
  const entry = key.slice(setting.key.length + 1);
  const where = entry ? ` (entry ${Number(entry) + 1})` : '';
  const source = sources.get(setting.key) ?? `not set: give it with env ${setting.env} or in the configuration file`;
  return `${setting.key} (${source})${where}: ${issue.message}`;
}

/** Unknown keys of a file are named with the file: records `?<path>` for every leaf it has. */
function noteUnknownKeys(layer: Raw, source: string, sources: Sources, prefix = ''): void {
  for (const [name, value] of Object.entries(layer)) {
    const path = prefix ? `${prefix}.${name}` : name;
    sources.set(`?${path}`, source);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) noteUnknownKeys(value as Raw, source, sources, path);
  }
}

export interface LoadOptions {
  env?: NodeJS.ProcessEnv;
  defaultsFile?: string;
  /** Extra settings applied over the files and under the environment (tests use this). */
  overrides?: Raw;
}

/** Loads config/default.yaml, then NBLAUNCH_CONFIG, then overrides, then the environment; validates once. */
export function loadConfig(options: LoadOptions = {}): Config {
  const env = options.env ?? process.env;
  const defaultsFile = options.defaultsFile ?? fileURLToPath(new URL('../../config/default.yaml', import.meta.url));
  const sources: Sources = new Map();
  const layers: Array<[Raw, string]> = [];
  if (existsSync(defaultsFile)) layers.push([readYaml(defaultsFile), defaultsFile]);
  if (env.NBLAUNCH_CONFIG) layers.push([readYaml(env.NBLAUNCH_CONFIG), `${env.NBLAUNCH_CONFIG} (NBLAUNCH_CONFIG)`]);
  if (options.overrides) layers.push([options.overrides, 'the caller\'s overrides']);
  let raw: Raw = {};
  for (const [layer, source] of layers) {
    noteSources(layer, source, sources);
    noteUnknownKeys(layer, source, sources);
    raw = mergeDeep(raw, layer);
  }
  raw = mergeDeep(raw, envOverrides(env, sources));
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  - ${describeIssue(issue as never, sources)}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return result.data;
}

const secretPattern = /\/\/([^:@/]*):([^@/]*)@/;

/** A copy safe to log: passwords inside URLs are replaced. */
export function redactConfig(config: Config): Config {
  return {
    ...config,
    redisUrl: config.redisUrl.replace(secretPattern, '//$1:***@'),
    auth: { ...config.auth, organizerToken: config.auth.organizerToken ? '[redacted]' : '' },
  };
}
