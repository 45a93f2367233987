import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { test as base } from '@playwright/test';
import { loadConfig } from '../src/config/load.js';
import { labelKeys } from '../src/runtime/labels.js';
import { GitHttpServer } from '../src/testing/git-http-server.js';
import { startLauncher, type RunningLauncher } from '../src/launcher.js';
import { removeSandboxOf } from '../src/testing/launcher-harness.js';
import { sandboxNetworkName } from '../src/network/sandbox-names.js';

const run = promisify(execFile);

/** Short limits so the idle cull can be watched within one test. */
export const e2eCull = { idleTimeoutSeconds: 8, intervalSeconds: 1, maxAgeSeconds: 600 } as const;

export interface E2ELauncher {
  url: string;
  instance: string;
  launcher: RunningLauncher;
}

function randomSuffix(length = 8): string {
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  let out = '';
  for (let i = 0; i < length; i += 1) out += letters[Math.floor(Math.random() * letters.length)];
  return out;
}

/** Removes every container labelled with this launcher instance, whatever the launcher thinks. */
async function removeInstanceContainers(instance: string): Promise<void> {
  const { stdout } = await run('docker', ['ps', '-aq', '--filter', `label=${labelKeys.instance}=${instance}`]);
  const ids = stdout.split(/\s+/).filter(Boolean);
  if (ids.length > 0) await run('docker', ['rm', '-f', '-v', ...ids]);
}

/** Removes the attendees' home volumes this launcher instance made (after its containers are gone). */
async function removeInstanceVolumes(instance: string): Promise<void> {
  const { stdout } = await run('docker', ['volume', 'ls', '-q', '--filter', `label=${labelKeys.instance}=${instance}`]);
  const names = stdout.split(/\s+/).filter(Boolean);
  if (names.length > 0) await run('docker', ['volume', 'rm', '-f', ...names]);
}

/** Removes the images this run built from test repos. */
async function removeBuiltImages(prefix: string): Promise<void> {
  const { stdout } = await run('docker', ['images', '-q', '--filter', `reference=${prefix}*`]);
  const ids = [...new Set(stdout.split(/\s+/).filter(Boolean))];
  if (ids.length > 0) await run('docker', ['rmi', '-f', ...ids]);
}

/**
 * A real launcher for browser tests: private Redis in a fresh temp dir, its own Docker instance
 * label, the test Git server as GitHub; `overrides` change the configuration (e.g. a fixed port
 * and a server origin). `stop` closes it and removes its containers, volumes and built images.
 */
export async function startE2ELauncher(git: GitHttpServer, overrides: Record<string, unknown> = {}): Promise<E2ELauncher & { stop(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'nblaunch-e2e-'));
  const instance = `e2e-${randomSuffix()}`;
  const imagePrefix = `nblaunch-e2e-${randomSuffix()}/`;
  const config = loadConfig({
    env: {},
    overrides: {
      port: 0, host: '127.0.0.1', dataDir, instance, logLevel: 'warn', cull: { ...e2eCull },
      git: { allowHttpHosts: [git.host] }, repos: { githubUrl: git.baseUrl }, build: { imagePrefix },
      // The specs' workshops start at once; warmed servers for every attendee would only add containers.
      workshops: { warmServers: 0 },
      // Every spec signs people in from 127.0.0.1: the per-address limit is tested on its own
      // (src/workshops/workshops.integration.test.ts), not by the whole suite tripping it.
      auth: { signInAttemptsPerMinute: 1000 },
      ...overrides,
    },
  });
  let launcher: RunningLauncher | undefined;
  let keeper: string | undefined;
  const stop = async () => {
    if (keeper) execFileSync('docker', ['rm', '-f', keeper], { stdio: 'ignore' });
    await launcher?.close().catch((error: Error) => console.error(`[e2e] closing the launcher failed: ${error.message}`));
    await removeInstanceContainers(instance).catch((error: Error) => console.error(`[e2e] removing containers of ${instance} failed: ${error.message}`));
    await removeInstanceVolumes(instance).catch((error: Error) => console.error(`[e2e] removing volumes of ${instance} failed: ${error.message}`));
    await removeBuiltImages(imagePrefix).catch((error: Error) => console.error(`[e2e] removing images ${imagePrefix}* failed: ${error.message}`));
    await removeSandboxOf(instance).catch((error: Error) => console.error(`[e2e] removing the network of ${instance} failed: ${error.message}`));
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    launcher = await startLauncher(config, { activityFlushMs: 200, shutdownGraceMs: 2000, print: () => {}, installFirewall: process.getuid?.() === 0 });
    // The notebook network's bridge loses its carrier whenever no container is on it, and gets
    // it back with the next server: Chromium takes each flip for a network change and cancels
    // requests in flight (net::ERR_NETWORK_CHANGED). One idle container keeps the bridge up.
    // Not labelled as the launcher's, so its reconciler leaves it alone.
    keeper = execFileSync('docker', [
      'run', '-d', '--network', sandboxNetworkName(instance), '--label', `org.nblaunch.e2e-keeper=${instance}`,
      '--cap-drop', 'ALL', '--memory', '32m', '--entrypoint', 'sleep', config.image, 'infinity',
    ], { encoding: 'utf8' }).trim();
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: launcher.url, instance, launcher, stop };
}

export const test = base.extend<{}, { e2eLauncher: E2ELauncher; e2eGit: GitHttpServer }>({
  /** A Git server on loopback that the launcher treats as GitHub. */
  e2eGit: [async ({}, use) => {
    const server = await GitHttpServer.start();
    try {
      await use(server);
    } finally {
      await server.stop();
    }
  }, { scope: 'worker' }],

  /**
   * One real launcher per worker: private Redis in a fresh temp dir, its own Docker instance label,
   * and the default origins (the launcher at http://localhost:<port>, each server at
   * http://<id>.localhost:<port>).
   */
  e2eLauncher: [async ({ e2eGit }, use) => {
    const started = await startE2ELauncher(e2eGit);
    try {
      await use(started);
    } finally {
      await started.stop();
    }
  }, { scope: 'worker', timeout: 60_000 }],

  baseURL: async ({ e2eLauncher }, use) => {
    await use(e2eLauncher.url);
  },
});

export { expect } from '@playwright/test';
