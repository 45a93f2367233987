import { DEFAULT_IMAGE, ensureAptPackages, ensureBaseImage, ensureDockerEngine, log, type AptRequirement } from './host.js';
import { ensureBuildLimits } from './build-limits.js';

const HOST_PACKAGES: AptRequirement[] = [
  { aptPackage: 'docker.io', binary: 'dockerd' },
  { aptPackage: 'redis-server', binary: 'redis-server' },
  { aptPackage: 'git', binary: 'git' },
];
const TEST_PACKAGES: AptRequirement[] = [{ aptPackage: 'chromium', binary: '/usr/bin/chromium' }];

type Mode = 'start' | 'test';

async function setUpHost(mode: Mode): Promise<void> {
  const started = Date.now();
  const image = process.env.NBLAUNCH_IMAGE || DEFAULT_IMAGE;
  await ensureAptPackages(mode === 'test' ? [...HOST_PACKAGES, ...TEST_PACKAGES] : HOST_PACKAGES);
  await ensureDockerEngine();
  await ensureBaseImage(image);
  await ensureBuildLimits();
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
  console.error(`[setup] failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
