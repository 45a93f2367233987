import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LauncherError } from '../errors/launcher-error.js';
import { GitHttpServer } from '../testing/git-http-server.js';
import { bootLauncherWithGit, freePort, type GitBackedHarness } from '../testing/launcher-harness.js';
import { GitRemote } from './git-remote.js';

describe('git egress: redirects and internal hosts', () => {
  let hidden: GitHttpServer;
  let redirector: http.Server;
  let redirectorHost: string;
  let workDir: string;

  before(async () => {
    // The server nobody allowed: on loopback, as an internal service would be.
    hidden = await GitHttpServer.start();
    await hidden.createRepo('internal/secrets', { 'secret.txt': 'internal\n' });
    // An allowed plain-http git host that sends git elsewhere.
    redirector = http.createServer((req, res) => {
      res.writeHead(302, { location: `${hidden.baseUrl}/internal/secrets.git${(req.url ?? '/').replace(/^\/[^?]*?\.git/, '')}` });
      res.end();
    });
    await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
    redirectorHost = `127.0.0.1:${(redirector.address() as AddressInfo).port}`;
    workDir = await mkdtemp(path.join(os.tmpdir(), 'nblaunch-hclient-egress-'));
  });
  after(async () => {
    await hidden.stop();
    await new Promise<void>((resolve) => redirector.close(() => resolve()));
    await rm(workDir, { recursive: true, force: true });
  });

  it('does not follow an allowed host\'s redirect to a host that is not allowed', async () => {
    const git = new GitRemote({ cloneTimeoutMs: 20_000, maxCloneBytes: 10 * 1024 * 1024, refCacheMs: 0, workDir, allowHttpHosts: [redirectorHost] });
    await assert.rejects(git.resolveRef(`http://${redirectorHost}/owner/repo.git`, 'main'), (error: unknown) => error instanceof LauncherError && error.status >= 400);
    assert.equal(hidden.requestCount, 0, 'git never reached the host it was redirected to');
  });

  describe('/api/build-plan for https URLs of internal hosts', () => {
    let launched: GitBackedHarness;
    let listening: net.Server;
    let openPort: number;

    before(async () => {
      launched = await bootLauncherWithGit({ instance: `hclient-egress-${Math.random().toString(36).slice(2, 8)}` });
      // An open port that is no git server (any internal service).
      listening = net.createServer((socket) => socket.destroy());
      await new Promise<void>((resolve) => listening.listen(0, '127.0.0.1', resolve));
      openPort = (listening.address() as AddressInfo).port;
    });
    after(async () => {
      await launched.cleanup();
      await new Promise<void>((resolve) => listening.close(() => resolve()));
    });

    const planFor = async (host: string) => {
      const url = `https://${host}/owner/repo.git`;
      const response = await fetch(`${launched.harness.url}/api/build-plan/git/${encodeURIComponent(url)}/main`);
      const body = await response.json() as { reason: string; message: string };
      return { status: response.status, reason: body.reason, message: body.message.replace(host, '<host>') };
    };

    it('answers an open and a closed port alike (no port scanner), for an address and for a name of it', async () => {
      const closedPort = await freePort();
      const open = await planFor(`127.0.0.1:${openPort}`);
      const closed = await planFor(`127.0.0.1:${closedPort}`);
      assert.deepEqual(open, closed);
      assert.deepEqual(await planFor(`localhost:${openPort}`), await planFor(`localhost:${closedPort}`));
      const mapped = await planFor(`[::ffff:127.0.0.1]:${openPort}`);
      assert.deepEqual([mapped.status, mapped.reason], [closed.status, closed.reason]);
      assert.equal(open.status, 404);
      assert.equal(open.reason, 'repo-not-found');
    });
  });
});
