import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { bootLauncher, type Harness } from '../testing/launcher-harness.js';

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

describe('nblaunch workshop and organizer-token, next to a running launcher', () => {
  let harness: Harness;
  const cli = (...args: string[]) => run('node', ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: repoRoot,
    env: {
      PATH: process.env.PATH, HOME: process.env.HOME, NBLAUNCH_LOG_LEVEL: 'warn',
      NBLAUNCH_DATA_DIR: harness.config.dataDir, NBLAUNCH_INSTANCE: harness.config.instance, NBLAUNCH_PUBLIC_URL: 'https://nb.example.org',
      // The launcher beside it runs in this (root) test process, so its data directory is root's.
      NBLAUNCH_RUN_AS_USER: 'root',
    },
  });

  before(async () => { harness = await bootLauncher({}, { print: () => undefined }); });
  after(() => harness.cleanup());

  it('shares the launcher\'s private Redis: what the CLI does, the API sees, and the reverse', async () => {
    const created = await cli('organizer-token', 'create', 'ops');
    const token = created.stdout.split('\n')[0]!;
    const bearer = { authorization: `Bearer ${token}` };
    assert.equal((await fetch(`${harness.url}/api/organizer/me`, { headers: bearer })).status, 200);

    const made = await cli('workshop', 'create', 'cli-made', '--title', 'Made on the command line', '--starts', '2030-05-01T09:00:00Z', '--ends', '2099-05-01T17:00:00Z');
    assert.equal(made.stdout.trim(), 'created cli-made: https://nb.example.org/w/cli-made');
    const shown = await fetch(`${harness.url}/api/workshops/cli-made`, { headers: bearer });
    assert.equal((await shown.json() as { title: string }).title, 'Made on the command line');

    const people = join(harness.config.dataDir, 'people.csv');
    writeFileSync(people, 'name,email\nAnn,ann@example.org\nBad,bad\n');
    const imported = await cli('workshop', 'import-attendees', 'cli-made', people).catch((error: { code: number; stdout: string; stderr: string }) => error);
    assert.equal((imported as { code?: number }).code, 1);
    assert.match(imported.stdout, /imported 1, updated 0, unchanged 0, refused 1/);
    assert.match(imported.stderr, /line 3: "bad" is not an email address/);

    const listed = await cli('workshop', 'list');
    assert.match(listed.stdout, /^cli-made\tregistered\t1 attendees\t/m);
    const links = await cli('workshop', 'links', 'cli-made', '--reissue');
    assert.match(links.stdout, /^Ann,ann@example.org,,https:\/\/nb\.example\.org\/w\/cli-made\/join\?invite=[A-Za-z0-9_-]{43}$/m);

    await cli('workshop', 'end', 'cli-made');
    const ended = await fetch(`${harness.url}/api/workshops/cli-made`, { headers: bearer });
    assert.ok((await ended.json() as { endedAt: string | null }).endedAt);
  });
});
