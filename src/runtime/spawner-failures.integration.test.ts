import assert from 'node:assert/strict';
import { after, afterEach, describe, it } from 'node:test';
import { createLogger } from '../log/logger.js';
import { bootLauncher, type Harness } from '../testing/launcher-harness.js';
import { DockerSpawner } from './docker-spawner.js';

interface ErrorBody { status: number; reason: string; message: string }

async function launchExpectingError(harness: Harness): Promise<{ status: number; body: ErrorBody }> {
  const response = await fetch(`${harness.url}/api/sessions`, { method: 'POST' });
  return { status: response.status, body: await response.json() as ErrorBody };
}

describe('clear errors when a server cannot start', () => {
  let harness: Harness | undefined;
  afterEach(async () => { await harness?.cleanup(); harness = undefined; });

  it('names a missing image and what to do about it', async () => {
    harness = await bootLauncher({ image: 'nblaunch-test/no-such-image:none' });
    const { status, body } = await launchExpectingError(harness);
    assert.equal(status, 503);
    assert.equal(body.reason, 'image-missing');
    assert.match(body.message, /"nblaunch-test\/no-such-image:none" is not on this Docker engine/);
    assert.match(body.message, /build-base\.sh/);
    assert.equal(await harness.launcher.deps.sessions.count(), 0);
  });

  it('reports a server that dies at start with its last output, and removes it', async () => {
    harness = await bootLauncher({}, { serverCommand: ['sh', '-c', 'echo boom-at-start >&2; exit 3'] });
    const { status, body } = await launchExpectingError(harness);
    assert.equal(status, 502);
    assert.equal(body.reason, 'server-died');
    assert.match(body.message, /exit code 3/);
    assert.match(body.message, /boom-at-start/);
    assert.deepEqual(harness.containers(), []);
    assert.equal(await harness.launcher.deps.sessions.count(), 0);
  });

  it('gives up on a server that never answers after the start timeout, and removes it', async () => {
    harness = await bootLauncher({ server: { startTimeoutSeconds: 2 } }, { serverCommand: ['sleep', '600'] });
    const { status, body } = await launchExpectingError(harness);
    assert.equal(status, 504);
    assert.equal(body.reason, 'start-timeout');
    assert.match(body.message, /did not answer within 2 s/);
    assert.deepEqual(harness.containers(), []);
  });

  it('says the Docker engine is unreachable, in the API and in /health', async () => {
    const logger = createLogger('silent');
    harness = await bootLauncher({}, { spawner: new DockerSpawner({ instance: 'unreachable', logger, socketPath: '/tmp/nblaunch-no-docker-here.sock' }), logger });
    const { status, body } = await launchExpectingError(harness);
    assert.equal(status, 503);
    assert.equal(body.reason, 'docker-unreachable');
    assert.match(body.message, /Docker engine is not answering/);
    const health = await fetch(`${harness.url}/health`);
    assert.equal(health.status, 503);
    const report = await health.json() as { message: string; checks: { docker: { ok: boolean }; redis: { ok: boolean } } };
    assert.equal(report.checks.docker.ok, false);
    assert.equal(report.checks.redis.ok, true);
    assert.match(report.message, /docker/);
    assert.equal(await harness.launcher.deps.sessions.count(), 0);
  });
});

after(() => undefined);
