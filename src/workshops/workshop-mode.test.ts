import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { workshopMode } from './workshop-mode.js';

describe('workshopMode: the switch', () => {
  it('is anonymous while no attendee is registered', () => {
    assert.equal(workshopMode(0), 'anonymous');
  });

  it('asks for sign-in from the first registered attendee on', () => {
    assert.equal(workshopMode(1), 'registered');
    assert.equal(workshopMode(250), 'registered');
  });
});
