import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Workshop } from '../workshops/workshop.js';
import { attendeesToWarm, warmupBeginsAt, warmupWindow } from './warmup-schedule.js';

const startsAt = Date.parse('2030-05-01T09:00:00Z');
const workshop: Workshop = {
  slug: 'intro', title: 'Intro', startsAt: '2030-05-01T09:00:00.000Z', endsAt: '2030-05-01T12:00:00.000Z',
  limits: { memoryMb: 512, cpus: 1 }, createdAt: '2030-04-01T00:00:00.000Z',
};
const lead = 30 * 60_000;

describe('warm-up schedule', () => {
  it('begins the lead time before the start and lasts until the end', () => {
    assert.equal(warmupBeginsAt(workshop, lead), startsAt - lead);
    assert.equal(warmupWindow(workshop, startsAt - lead - 1, lead), 'scheduled');
    assert.equal(warmupWindow(workshop, startsAt - lead, lead), 'active');
    assert.equal(warmupWindow(workshop, startsAt + 3600_000, lead), 'active', 'a launcher started late still warms');
    assert.equal(warmupWindow(workshop, Date.parse(workshop.endsAt), lead), 'over');
  });

  it('opens early when an organizer asks, but never for an ended workshop', () => {
    assert.equal(warmupWindow(workshop, startsAt - 86_400_000, lead, true), 'active');
    assert.equal(warmupWindow({ ...workshop, endedAt: '2030-05-01T08:00:00.000Z' }, startsAt - lead, lead, true), 'over');
  });

  it('warms the first registered attendees, leaving out removed ones', () => {
    const attendees = [
      { id: 'c', createdAt: '2030-04-03T00:00:00Z' },
      { id: 'a', createdAt: '2030-04-01T00:00:00Z' },
      { id: 'r', createdAt: '2030-04-01T12:00:00Z', revokedAt: '2030-04-04T00:00:00Z' },
      { id: 'b', createdAt: '2030-04-02T00:00:00Z' },
    ];
    assert.deepEqual(attendeesToWarm(attendees, 2).map((attendee) => attendee.id), ['a', 'b']);
    assert.deepEqual(attendeesToWarm(attendees, 10).map((attendee) => attendee.id), ['a', 'b', 'c']);
    assert.deepEqual(attendeesToWarm(attendees, 0), []);
  });
});
