import { ConfigError, loadConfig } from '../config/load.js';
import { ensureAptPackages, ensureBaseImage, ensureDockerEngine, log, type AptRequirement } from './host.js';
import { ensureBuildLimits } from './build-limits.js';
import { ensureSandbox } from './sandbox.js';
import { ensureServiceUser } from './service-user.js';

const HOST_PACKAGES: AptRequirement[] = [
  { aptPackage: 'docker.io', binary: 'dockerd' },
  { aptPackage: 'redis-server', binary: 'redis-server' },
  { aptPackage: 'git', binary: 'git' },
];
const TEST_PACKAGES: AptRequirement[] = [{ aptPackage: 'chromium', binary: '/usr/bin/chromium' }];

type Mode = 'start' | 'test';

async function setUpHost(mode: Mode): Promise<void> {
  const started = Date.now();
  // The same configuration as the launcher's: its image, its data directory, its user.
  const config = loadConfig();
  await ensureAptPackages(mode === 'test' ? [...HOST_PACKAGES, ...TEST_PACKAGES] : HOST_PACKAGES);
  await ensureDockerEngine();
  await ensureBaseImage(config.image);
  await ensureSandbox(config);
  await ensureBuildLimits(config);
  ensureServiceUser({ user: config.runAsUser, dataDir: config.dataDir, log });
  log(`host ready for ${mode} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

const mode = process.argv[2];
if (mode !== 'start' && mode !== 'test') {
  console.error('usage: tsx src/setup/main.ts start|test');
  process.exit(2);
}

try {
  await setUpHost(mode);
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(`[setup] ${error.message}`);
    process.exit(2);
  }
  console.error(`[setup] failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
