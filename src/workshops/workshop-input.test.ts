import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../config/load.js';
import { applyWorkshopPatch, workshopFromInput } from './workshop-input.js';
import { isOver, repoLaunchPath } from './workshop.js';

const settings = loadConfig({ env: {}, overrides: { policy: { bannedSpecs: ['^gh/evil-org/.*'] } } });
const base = { slug: 'intro-python', title: 'Intro to Python', startsAt: '2030-05-01T09:00:00Z', endsAt: '2030-05-01T17:00:00Z' };
const now = new Date('2030-04-01T00:00:00Z');

describe('workshopFromInput', () => {
  it('makes a workshop with the default image and the launcher\'s server limits', () => {
    assert.deepEqual(workshopFromInput(base, settings, now), {
      ...base,
      startsAt: '2030-05-01T09:00:00.000Z',
      endsAt: '2030-05-01T17:00:00.000Z',
      limits: { memoryMb: settings.server.memoryMb, cpus: settings.server.cpus },
      warmServers: settings.workshops.warmServers,
      createdAt: '2030-04-01T00:00:00.000Z',
    });
  });

  it('takes how many servers to warm, 0 to 1000, and lets a patch change it', () => {
    const workshop = workshopFromInput({ ...base, warmServers: 12 }, settings, now);
    assert.equal(workshop.warmServers, 12);
    assert.equal(applyWorkshopPatch(workshop, { warmServers: 0 }, settings).warmServers, 0);
    assert.equal(applyWorkshopPatch(workshop, { title: 'Renamed' }, settings).warmServers, 12);
    for (const warmServers of [-1, 1001, 2.5, '4']) {
      assert.throws(() => workshopFromInput({ ...base, warmServers }, settings, now), { status: 400, message: /warmServers/ }, String(warmServers));
    }
  });

  it('accepts slugs of 2 to 40 lower-case letters, digits and dashes, starting with a letter or digit', () => {
    for (const slug of ['ab', '2030-intro', 'a-b-c', 'x'.repeat(40)]) assert.equal(workshopFromInput({ ...base, slug }, settings, now).slug, slug);
    for (const slug of ['a', '-intro', 'Intro', 'intro_python', 'intro.py', 'x'.repeat(41), 'über', '', 'a b']) {
      assert.throws(() => workshopFromInput({ ...base, slug }, settings, now), { status: 400, reason: 'bad-workshop', message: /slug: 2 to 40 lower-case/ }, slug);
    }
  });

  it('wants ISO times with a time zone, the end after the start, and stores them in UTC', () => {
    const shifted = workshopFromInput({ ...base, startsAt: '2030-05-01T11:00:00+02:00' }, settings, now);
    assert.equal(shifted.startsAt, '2030-05-01T09:00:00.000Z');
    assert.throws(() => workshopFromInput({ ...base, startsAt: '2030-05-01' }, settings, now), { message: /startsAt: an ISO 8601 time with a time zone/ });
    assert.throws(() => workshopFromInput({ ...base, endsAt: 'tomorrow' }, settings, now), { message: /endsAt/ });
    assert.throws(() => workshopFromInput({ ...base, endsAt: base.startsAt }, settings, now), { message: /endsAt must be after startsAt/ });
    assert.throws(() => workshopFromInput({ ...base, endsAt: '2030-05-01T08:00:00Z' }, settings, now), { message: /endsAt must be after startsAt/ });
  });

  it('turns a repo URL, ref and file into a BinderHub spec and a launch link', () => {
    const workshop = workshopFromInput({ ...base, repo: { url: 'https://github.com/Owner/Course', ref: 'v2', file: '/notebooks/01 intro.ipynb' } }, settings, now);
    assert.deepEqual(workshop.repo, { url: 'https://github.com/Owner/Course', ref: 'v2', file: 'notebooks/01 intro.ipynb', provider: 'gh', spec: 'Owner/Course/v2' });
    assert.equal(repoLaunchPath(workshop.repo!), '/v2/gh/Owner/Course/v2?labpath=notebooks%2F01%20intro.ipynb');
    assert.equal(workshopFromInput({ ...base, repo: { url: 'https://github.com/owner/course' } }, settings, now).repo!.ref, 'HEAD');
  });

  it('refuses unsafe or banned repos and paths outside the repo', () => {
    assert.throws(() => workshopFromInput({ ...base, repo: { url: 'file:///etc' } }, settings, now), { status: 400 });
    assert.throws(() => workshopFromInput({ ...base, repo: { url: 'https://github.com/evil-org/x' } }, settings, now), { status: 403 });
    assert.throws(() => workshopFromInput({ ...base, repo: { url: 'https://github.com/o/r', file: '../secrets' } }, settings, now), { message: /repo.file: a path inside the repository/ });
  });

  it('checks limits and refuses unknown fields', () => {
    assert.deepEqual(workshopFromInput({ ...base, limits: { memoryMb: 2048 } }, settings, now).limits, { memoryMb: 2048, cpus: settings.server.cpus });
    assert.throws(() => workshopFromInput({ ...base, limits: { memoryMb: 10 } }, settings, now), { message: /limits.memoryMb/ });
    assert.throws(() => workshopFromInput({ ...base, owner: 'me' }, settings, now), { message: /Unrecognized key/ });
    assert.throws(() => workshopFromInput({ ...base, title: '  ' }, settings, now), { message: /title: a title/ });
  });
});

describe('applyWorkshopPatch', () => {
  const current = workshopFromInput({ ...base, repo: { url: 'https://github.com/o/r' } }, settings, now);

  it('changes only what is given, and removes the repo with null', () => {
    const renamed = applyWorkshopPatch(current, { title: 'Python, day 1', limits: { cpus: 2 } }, settings);
    assert.equal(renamed.title, 'Python, day 1');
    assert.deepEqual(renamed.limits, { memoryMb: current.limits.memoryMb, cpus: 2 });
    assert.deepEqual(renamed.repo, current.repo);
    assert.equal(applyWorkshopPatch(current, { repo: null }, settings).repo, undefined);
  });

  it('keeps the slug, and checks the times as a whole', () => {
    assert.throws(() => applyWorkshopPatch(current, { slug: 'other' }, settings), { message: /slug cannot change/ });
    assert.equal(applyWorkshopPatch(current, { slug: current.slug }, settings).slug, current.slug);
    assert.throws(() => applyWorkshopPatch(current, { endsAt: '2030-05-01T08:00:00Z' }, settings), { message: /endsAt must be after startsAt/ });
  });
});

describe('isOver', () => {
  const workshop = workshopFromInput(base, settings, now);
  it('is over once ended by the organizer or past its end time', () => {
    assert.equal(isOver(workshop, new Date('2030-05-01T16:59:59Z')), false);
    assert.equal(isOver(workshop, new Date('2030-05-01T17:00:00Z')), true);
    assert.equal(isOver({ ...workshop, endedAt: '2030-05-01T12:00:00Z' }, new Date('2030-05-01T12:00:01Z')), true);
  });
});
