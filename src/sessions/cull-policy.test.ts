import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cullReason } from './cull-policy.js';

const limits = { idleTimeoutMs: 600_000 };
const started = 1_000_000;
const session = { expiresAt: started + 3_600_000 };

describe('cullReason', () => {
  it('keeps a session active within the idle limit', () => {
    assert.equal(cullReason(session, started, started, limits), null);
    assert.equal(cullReason(session, started, started + limits.idleTimeoutMs - 1, limits), null);
  });

  it('ends a session idle for exactly the limit or longer', () => {
    assert.equal(cullReason(session, started, started + limits.idleTimeoutMs, limits), 'idle');
    assert.equal(cullReason(session, started, started + limits.idleTimeoutMs + 1, limits), 'idle');
  });

  it('measures idleness from the last activity, not the start', () => {
    const lastActivity = started + 2_000_000;
    assert.equal(cullReason(session, lastActivity, lastActivity + limits.idleTimeoutMs - 1, limits), null);
    assert.equal(cullReason(session, lastActivity, lastActivity + limits.idleTimeoutMs, limits), 'idle');
  });

  it('ends a session at its expiry even when it is active', () => {
    assert.equal(cullReason(session, session.expiresAt - 1, session.expiresAt - 1, limits), null);
    assert.equal(cullReason(session, session.expiresAt, session.expiresAt, limits), 'max-age');
    assert.equal(cullReason(session, session.expiresAt, session.expiresAt + 1, limits), 'max-age');
  });

  it('names max-age when a session is both expired and idle', () => {
    assert.equal(cullReason(session, started, session.expiresAt, limits), 'max-age');
  });
});
