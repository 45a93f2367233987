import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { startLauncher, type LauncherOptions, type RunningLauncher } from '../launcher.js';
import { createLogger } from '../log/logger.js';
import { labelKeys } from '../runtime/labels.js';
import { GitHttpServer } from './git-http-server.js';

type Overrides = Record<string, unknown>;

export interface Harness {
  config: Config;
  launcher: RunningLauncher;
  url: string;
  /** Stops this launcher and starts a new one on the same data directory and instance. */
  restart(extraOverrides?: Overrides): Promise<void>;
  /** Docker containers carrying this launcher's instance label. */
  containers(): string[];
  /** Docker volumes carrying this launcher's instance label. */
  volumes(): string[];
  cleanup(): Promise<void>;
}

function mergeOverrides(base: Overrides, over: Overrides): Overrides {
  const out: Overrides = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = out[key];
    out[key] = value && typeof value === 'object' && current && typeof current === 'object'
      ? mergeOverrides(current as Overrides, value as Overrides) : value;
  }
  return out;
}

export function dockerContainersOf(instance: string, all = true): string[] {
  const output = execFileSync('docker', ['ps', ...(all ? ['-a'] : []), '-q', '--filter', `label=${labelKeys.instance}=${instance}`], { encoding: 'utf8' });
  return output.split('\n').filter(Boolean);
}

export function removeContainersOf(instance: string): void {
  const ids = dockerContainersOf(instance);
  if (ids.length > 0) execFileSync('docker', ['rm', '-f', ...ids], { stdio: 'ignore' });
}

/** Docker volumes carrying the instance label (attendees' home volumes). */
export function dockerVolumesOf(instance: string): string[] {
  const output = execFileSync('docker', ['volume', 'ls', '-q', '--filter', `label=${labelKeys.instance}=${instance}`], { encoding: 'utf8' });
  return output.split('\n').filter(Boolean);
}

export function removeVolumesOf(instance: string): void {
  const names = dockerVolumesOf(instance);
  if (names.length > 0) execFileSync('docker', ['volume', 'rm', '-f', ...names], { stdio: 'ignore' });
}

/** A TCP port free on loopback right now, for a launcher that must know its port before it starts. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Removes every image whose name starts with `prefix` (what a test's builds tagged). */
export function removeImagesWithPrefix(prefix: string): void {
  const images = execFileSync('docker', ['images', '-q', '--filter', `reference=${prefix}*`], { encoding: 'utf8' }).split('\n').filter(Boolean);
  if (images.length > 0) execFileSync('docker', ['rmi', '-f', ...new Set(images)], { stdio: 'ignore' });
}

/**
 * Boots the real launcher on port 0 with a temp data directory, its own redis-server and a
 * unique instance label, so tests never touch each other's containers or keys.
 */
export async function bootLauncher(overrides: Overrides = {}, options: LauncherOptions = {}): Promise<Harness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'nblaunch-it-'));
  const instance = `it-${Math.random().toString(36).slice(2, 10)}`;
  const base: Overrides = {
    port: 0, host: '127.0.0.1', dataDir, instance, logLevel: process.env.NBLAUNCH_TEST_LOG ?? 'silent',
    cull: { intervalSeconds: 3600 }, reconcile: { intervalSeconds: 3600 },
    // Workshops in tests start now: without this every registered attendee would get a warmed server. Warm-up tests set their own.
    workshops: { warmServers: 0 },
  };
  let settings = mergeOverrides(base, overrides);
  const boot = async () => {
    const config = loadConfig({ env: {}, overrides: settings });
    const launcher = await startLauncher(config, { logger: createLogger(config.logLevel), activityFlushMs: 100, shutdownGraceMs: 1000, print: () => undefined, ...options });
    return { config, launcher };
  };
  let current = await boot();
  const harness: Harness = {
    get config() { return current.config; },
    get launcher() { return current.launcher; },
    get url() { return current.launcher.url; },
    async restart(extra = {}) {
      await current.launcher.close();
      settings = mergeOverrides(settings, extra);
      current = await boot();
    },
    // The instance as configured: a test may name its own.
    containers: () => dockerContainersOf(current.config.instance),
    volumes: () => dockerVolumesOf(current.config.instance),
    async cleanup() {
      await current.launcher.close().catch(() => undefined);
      removeContainersOf(current.config.instance);
      removeVolumesOf(current.config.instance);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return harness;
}

export interface LaunchResponse {
  id: string;
  url: string;
  token: string;
  expiresAt: string;
}

export async function launchSession(baseUrl: string): Promise<LaunchResponse> {
  const response = await fetch(`${baseUrl}/api/sessions`, { method: 'POST' });
  const body = await response.json() as LaunchResponse & { message?: string };
  if (response.status !== 201) throw new Error(`launch failed with ${response.status}: ${body.message}`);
  return body;
}

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`Timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}

export interface GitBackedHarness {
  /** The launcher's "GitHub": `gh/...` specs are cloned from it, over plain http. */
  git: GitHttpServer;
  harness: Harness;
  /** Prefix of the images this launcher builds; `cleanup` removes them. */
  imagePrefix: string;
  /** Stops the launcher (removing its containers and volumes) and the git server, and removes the built images. */
  cleanup(): Promise<void>;
}

/** A launcher whose GitHub is a git server on loopback, building images under a prefix of its own. */
export async function bootLauncherWithGit(overrides: Overrides = {}, options: LauncherOptions = {}): Promise<GitBackedHarness> {
  const git = await GitHttpServer.start();
  const imagePrefix = `nblaunch-test-${Math.random().toString(36).slice(2, 8)}/`;
  let harness: Harness;
  try {
    harness = await bootLauncher(mergeOverrides({ git: { allowHttpHosts: [git.host] }, repos: { githubUrl: git.baseUrl }, build: { imagePrefix } }, overrides), options);
  } catch (error) {
    await git.stop();
    throw error;
  }
  return {
    git, harness, imagePrefix,
    async cleanup() {
      await harness.cleanup();
      await git.stop();
      removeImagesWithPrefix(imagePrefix);
    },
  };
}
