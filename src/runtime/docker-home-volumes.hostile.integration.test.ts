import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { after, before, describe, it } from 'node:test';
import { createLogger } from '../log/logger.js';
import { dockerContainersOf, removeContainersOf, removeVolumesOf } from '../testing/launcher-harness.js';
import { DockerHomeVolumes } from './docker-home-volumes.js';
import { labelKeys } from './labels.js';

const image = 'nblaunch/base:latest';
const instance = `hclient-export-${Math.random().toString(36).slice(2, 8)}`;

/** A home volume labelled like the launcher's, filled by a throw-away root container running `script` in it. */
function homeVolume(name: string, script: string): string {
  const volume = `nblaunch-${instance}-${name}`;
  execFileSync('docker', ['volume', 'create', '--label', `${labelKeys.managed}=true`, '--label', `${labelKeys.instance}=${instance}`,
    '--label', `${labelKeys.role}=home`, volume], { stdio: 'ignore' });
  execFileSync('docker', ['run', '--rm', '--network', 'none', '--user', '0', '--label', `${labelKeys.instance}=${instance}`,
    '-v', `${volume}:/mnt/home`, '--workdir', '/mnt/home', '--entrypoint', '', image, 'sh', '-c', script], { stdio: 'ignore' });
  return volume;
}

async function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  await pipeline(stream, new Writable({ write(chunk: Buffer, _encoding, done) { chunks.push(chunk); done(); } }));
  return Buffer.concat(chunks);
}

describe('workshop export against hostile home volumes (real Docker)', () => {
  let sparse: string;
  let dense: string;
  const dir = mkdtempSync(join(tmpdir(), 'nblaunch-hclient-export-'));

  before(() => {
    // 1 TiB that takes no disk: a tar without hole detection would read (and gzip) a tebibyte of zeros.
    sparse = homeVolume('sparse', 'truncate -s 1T huge.bin && echo "my notes" > notes.txt');
    // Real data that takes longer to gzip than the short export limit below.
    dense = homeVolume('dense', 'head -c 400M /dev/urandom > data.bin && echo "my notes" > notes.txt');
  });
  after(() => {
    removeContainersOf(instance);
    removeVolumesOf(instance);
    rmSync(dir, { recursive: true, force: true });
  });

  it('archives a volume holding a 1 TiB sparse file within the export limit, with the attendee\'s normal file in it', async () => {
    const volumes = new DockerHomeVolumes({ instance, helperImage: image, logger: createLogger('silent'), exportTimeoutMs: 60_000 });
    const archive = await collect(await volumes.archive([{ volume: sparse, folder: 'ann-1' }]));
    await writeFile(join(dir, 'sparse.tar.gz'), archive);
    const listing = execFileSync('tar', ['-tvzf', join(dir, 'sparse.tar.gz')], { encoding: 'utf8' });
    assert.match(listing, /\.\/ann-1\/notes\.txt/);
    assert.match(listing, /\.\/ann-1\/huge\.bin/);
    assert.ok(archive.length < 10 * 1024 * 1024, `the archive of a sparse file is small (${archive.length} bytes)`);
    const notes = execFileSync('tar', ['-xzOf', join(dir, 'sparse.tar.gz'), './ann-1/notes.txt'], { encoding: 'utf8' });
    assert.equal(notes, 'my notes\n');
    assert.deepEqual(dockerContainersOf(instance).filter((id) => isExportHelper(id)), [], 'the helper container is removed');
  });

  it('ends an export that passes its time limit with an error (not a short archive that looks whole) and removes the helper', async () => {
    const volumes = new DockerHomeVolumes({ instance, helperImage: image, logger: createLogger('silent'), exportTimeoutMs: 1000 });
    const stream = await volumes.archive([{ volume: dense, folder: 'bob-2' }]);
    await assert.rejects(collect(stream), /took longer than 1 s/);
    await waitFor(() => dockerContainersOf(instance).filter((id) => isExportHelper(id)).length === 0);
    assert.deepEqual(dockerContainersOf(instance).filter((id) => isExportHelper(id)), [], 'the helper container is removed');
  });
});

function isExportHelper(id: string): boolean {
  try {
    return execFileSync('docker', ['inspect', '--format', `{{index .Config.Labels "${labelKeys.role}"}}`, id], { encoding: 'utf8' }).trim() === 'export';
  } catch {
    return false;
  }
}

async function waitFor(check: () => boolean): Promise<void> {
  for (let tries = 0; tries < 100 && !check(); tries += 1) await new Promise((resolve) => setTimeout(resolve, 100));
}
