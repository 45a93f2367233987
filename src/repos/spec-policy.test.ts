import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LauncherError } from '../errors/launcher-error.js';
import { assertSpecAllowed } from './spec-policy.js';

const refused = (status: number, reason: string) => (error: unknown) => error instanceof LauncherError && error.status === status && error.reason === reason;

describe('assertSpecAllowed', () => {
  it('lets everything through without patterns', () => {
    assert.doesNotThrow(() => assertSpecAllowed('gh', 'o/r/main', { bannedSpecs: [], allowedSpecs: [] }));
  });

  it('refuses a banned spec with 403 and names it', () => {
    assert.throws(() => assertSpecAllowed('gh', 'evil-org/miner/main', { bannedSpecs: ['^gh/evil-org/'], allowedSpecs: [] }), (error: unknown) =>
      refused(403, 'spec-banned')(error) && /gh\/evil-org\/miner\/main/.test((error as Error).message));
    assert.doesNotThrow(() => assertSpecAllowed('gh', 'good-org/x/main', { bannedSpecs: ['^gh/evil-org/'], allowedSpecs: [] }));
  });

  it('with allowed patterns, refuses everything else', () => {
    const policy = { bannedSpecs: [], allowedSpecs: ['^gh/workshop-org/', '^git/'] };
    assert.doesNotThrow(() => assertSpecAllowed('gh', 'workshop-org/day1/main', policy));
    assert.throws(() => assertSpecAllowed('gh', 'someone/else/main', policy), refused(403, 'spec-not-allowed'));
  });

  it('lets a ban win over an allow', () => {
    assert.throws(() => assertSpecAllowed('gh', 'org/bad/main', { bannedSpecs: ['bad'], allowedSpecs: ['^gh/org/'] }), refused(403, 'spec-banned'));
  });
});
