import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { loadConfig } from '../config/load.js';
import { silentLogger } from '../log/testing.js';
import { memoryWorkshopStores } from '../workshops/testing/memory-workshop-stores.js';
import { checkInvite } from '../workshops/invite-check.js';
import type { CliIo } from './cli-io.js';
import { runOrganizerTokenCommand } from './organizer-token-command.js';
import { runWorkshopCommand } from './workshop-command.js';
import { verifyOrganizerToken } from '../auth/organizer-tokens.js';

class RecordingIo implements CliIo {
  readonly lines: string[] = [];
  readonly errors: string[] = [];
  readonly files = new Map<string, string>();
  out(line: string): void { this.lines.push(line); }
  err(line: string): void { this.errors.push(line); }
  read(path: string): string {
    const text = this.files.get(path);
    if (text === undefined) throw new Error(`no file ${path}`);
    return text;
  }
  write(path: string, text: string): void { this.files.set(path, text); }
}

const config = loadConfig({ env: {}, overrides: { publicUrl: 'https://nb.example.org' } });
const create = ['create', 'py', '--title', 'Python', '--starts', '2030-05-01T09:00:00Z', '--ends', '2099-05-01T17:00:00Z'];

describe('nblaunch workshop', () => {
  let stores: ReturnType<typeof memoryWorkshopStores>;
  let io: RecordingIo;
  const run = (args: string[]) => runWorkshopCommand(args, { stores, config, logger: silentLogger(), io, actor: { via: 'cli', label: 'test' } });

  beforeEach(() => {
    stores = memoryWorkshopStores();
    io = new RecordingIo();
  });

  it('creates, lists and shows a workshop', async () => {
    assert.equal(await run([...create, '--repo', 'https://github.com/o/r', '--file', 'a.ipynb', '--memory-mb', '2048', '--warm-servers', '12']), 0);
    assert.deepEqual(io.lines, ['created py: https://nb.example.org/w/py']);
    const stored = await stores.workshops.get('py');
    assert.deepEqual([stored?.repo?.spec, stored?.repo?.file, stored?.limits.memoryMb, stored?.limits.cpus, stored?.warmServers], ['o/r/HEAD', 'a.ipynb', 2048, config.server.cpus, 12]);
    assert.equal(await run(['list']), 0);
    assert.match(io.lines[1]!, /^py\tanonymous\t0 attendees\t2030-05-01T09:00:00.000Z\t/);
    assert.equal(await run(['show', 'py']), 0);
    assert.match(io.lines[2]!, /"link": "https:\/\/nb.example.org\/w\/py"/);
  });

  it('imports attendees from a CSV or a pasted list, lists refused rows, and writes the fresh links', async () => {
    await run(create);
    io.files.set('people.csv', 'name,email\nAnn,ann@example.org\nBob,bob@example\n');
    assert.equal(await run(['import-attendees', 'py', 'people.csv', '--links', 'links.csv']), 1, 'a refused row makes the exit code 1');
    assert.equal(io.lines.at(-1), 'imported 1, updated 0, unchanged 0, refused 1');
    assert.deepEqual(io.errors, ['line 3: "bob@example" is not an email address: Bob,bob@example']);
    const [header, ann] = io.files.get('links.csv')!.trim().split('\n');
    assert.equal(header, 'name,email,group,link');
    const secret = /invite=([A-Za-z0-9_-]{43})$/.exec(ann!)![1]!;
    assert.equal((await checkInvite(stores, 'py', secret)).attendee.email, 'ann@example.org');

    io.files.set('-', 'Ann <ann@example.org>\nCy <cy@example.org>\n');
    assert.equal(await run(['import-attendees', 'py', '-']), 0);
    assert.equal(io.lines.at(-1), 'imported 1, updated 0, unchanged 1, refused 0');
  });

  it('makes the links CSV only with --reissue, which replaces every link', async () => {
    await run(create);
    io.files.set('people.txt', 'Ann <ann@example.org>\n');
    await run(['import-attendees', 'py', 'people.txt', '--links', 'first.csv']);
    assert.equal(await run(['links', 'py']), 2);
    assert.match(io.errors.at(-1)!, /--reissue/);
    assert.equal(await run(['links', 'py', '--reissue', '--out', 'second.csv']), 0);
    const first = /invite=(\S+)$/.exec(io.files.get('first.csv')!.trim())![1]!;
    const second = /invite=(\S+)$/.exec(io.files.get('second.csv')!.trim())![1]!;
    await assert.rejects(checkInvite(stores, 'py', first), { reason: 'invite-revoked' });
    assert.ok(await checkInvite(stores, 'py', second));
  });

  it('ends a workshop', async () => {
    await run(create);
    assert.equal(await run(['end', 'py']), 0);
    assert.match(io.lines.at(-1)!, /^py ended at \d{4}-/);
    assert.ok((await stores.workshops.get('py'))?.endedAt);
  });

  it('explains its usage for a missing slug, an unknown command or option', async () => {
    assert.equal(await run(['show']), 2);
    assert.match(io.errors.at(-1)!, /needs a workshop slug/);
    assert.equal(await run(['frobnicate']), 2);
    assert.match(io.errors.at(-1)!, /unknown command "frobnicate"/);
    assert.equal(await run(['list', '--colour']), 2);
    assert.match(io.errors.at(-1)!, /usage:/);
  });

  it('passes on the plain errors of the API: a bad workshop, a missing one', async () => {
    await assert.rejects(run(['create', 'Py!', '--title', 'x', '--starts', 'now', '--ends', 'later']), { status: 400, reason: 'bad-workshop' });
    await assert.rejects(run(['show', 'nope']), { status: 404, reason: 'no-such-workshop' });
  });
});

describe('nblaunch organizer-token', () => {
  it('creates (shown once), lists and revokes tokens', async () => {
    const { organizerTokens } = memoryWorkshopStores();
    const io = new RecordingIo();
    assert.equal(await runOrganizerTokenCommand(['create', 'ci', 'runner'], organizerTokens, silentLogger(), io), 0);
    const token = io.lines[0]!.split('\n')[0]!;
    assert.equal((await verifyOrganizerToken(organizerTokens, token))?.label, 'ci runner');
    await runOrganizerTokenCommand(['create', 'alice'], organizerTokens, silentLogger(), io);
    assert.equal(await runOrganizerTokenCommand(['list'], organizerTokens, silentLogger(), io), 0);
    assert.equal(io.lines.slice(2).map((line) => line.split('\t')[2]).sort().join(), 'alice,ci runner');
    const id = io.lines[2]!.split('\t')[0]!;
    assert.equal(await runOrganizerTokenCommand(['revoke', id], organizerTokens, silentLogger(), io), 0);
    assert.equal((await organizerTokens.list()).length, 1);
    assert.equal(await runOrganizerTokenCommand(['rotate'], organizerTokens, silentLogger(), io), 2);
  });
});
