import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { readBuildEvents } from '../testing/build-events-client.js';
import type { GitHttpServer } from '../testing/git-http-server.js';
import { bootLauncherWithGit, type GitBackedHarness, type Harness } from '../testing/launcher-harness.js';

/** A repo Dockerfile's ADD of a loopback URL: the Docker daemon would fetch it from the host and print it in the public log. */
describe('hostile repos: a Dockerfile never makes the Docker engine fetch a URL', () => {
  let launched: GitBackedHarness | undefined;
  let git: GitHttpServer;
  let harness: Harness;
  let secretServer: Server;
  let hits = 0;
  const secret = 'hbuild-loopback-secret-51c2';

  before(async () => {
    secretServer = createServer((_request, response) => {
      hits += 1;
      response.end(`${secret}\n`);
    });
    await new Promise<void>((resolve) => secretServer.listen(0, '127.0.0.1', resolve));
    launched = await bootLauncherWithGit({ instance: `hbuild-${Math.random().toString(36).slice(2, 8)}` });
    ({ git, harness } = launched);
  });
  after(async () => {
    await launched?.cleanup();
    await new Promise((resolve) => secretServer.close(resolve));
  });

  it('refuses ADD of a loopback URL in every shape, with the secret never fetched nor shown', async () => {
    const url = `http://127.0.0.1:${(secretServer.address() as AddressInfo).port}/secret.txt`;
    const shapes: Record<string, string> = {
      plain: `FROM nblaunch/base:latest\nADD ${url} /tmp/s\nRUN cat /tmp/s\n`,
      json: `FROM nblaunch/base:latest\nADD ["${url}", "/tmp/s"]\nRUN cat /tmp/s\n`,
      continuation: `FROM nblaunch/base:latest\nADD --chown=1000:100 \\\n    ${url} \\\n    /tmp/s\nRUN cat /tmp/s\n`,
      escape: `# escape=\`\nFROM nblaunch/base:latest\nADD \`\n    ${url} /tmp/s\nRUN cat /tmp/s\n`,
      onbuild: `FROM nblaunch/base:latest\nONBUILD ADD ${url} /tmp/s\n`,
      variable: `FROM nblaunch/base:latest\nARG SOURCE=${url}\nADD $SOURCE /tmp/s\nRUN cat /tmp/s\n`,
      quoted: `FROM nblaunch/base:latest\nADD "${url}" /tmp/s\nRUN cat /tmp/s\n`,
    };
    for (const [shape, dockerfile] of Object.entries(shapes)) {
      await git.createRepo(`evil/add-${shape}`, { 'binder/Dockerfile': dockerfile });
      const { events } = await readBuildEvents(`${harness.url}/build/gh/evil/add-${shape}/main?build_only=true`);
      const last = events.at(-1)!;
      assert.deepEqual([last.phase, last.reason], ['failed', 'dockerfile-remote-source'], `${shape}: ${JSON.stringify(last)}`);
      assert.match(last.message, /binder\/Dockerfile line \d+: ADD .*RUN step/, shape);
      assert.ok(!events.some((event) => event.message.includes(secret)), `${shape}: the secret reached the build log`);
    }
    assert.equal(hits, 0, 'the loopback server was fetched');
  });

  it('still builds a Dockerfile whose ADD takes a file from the repo', async () => {
    await git.createRepo('demo/add-local', { 'binder/Dockerfile': 'FROM nblaunch/base:latest\nADD --chown=1000:100 data.txt /tmp/data.txt\n', 'data.txt': 'local\n' });
    const { events } = await readBuildEvents(`${harness.url}/build/gh/demo/add-local/main?build_only=true`);
    assert.equal(events.at(-1)!.phase, 'ready', JSON.stringify(events.at(-1)));
  });
});
