import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { serverGrantCookie } from '../auth/server-handoff.js';
import { stripLauncherCookies } from './launcher-cookies.js';

describe('stripLauncherCookies', () => {
  it('keeps the notebook server\'s own cookies and drops the launcher\'s sign-ins', () => {
    const headers = { cookie: '_xsrf=abc; nblaunch_organizer=secret1; username-x=y; nblaunch_w_intro-py=secret2' };
    stripLauncherCookies(headers);
    assert.equal(headers.cookie, '_xsrf=abc; username-x=y');
  });

  it('drops the server origin\'s grant from a hand-off too', () => {
    const headers = { cookie: `_xsrf=abc; ${serverGrantCookie}=secret3` };
    stripLauncherCookies(headers);
    assert.equal(headers.cookie, '_xsrf=abc');
  });

  it('removes the header when only launcher cookies were sent, and leaves other requests alone', () => {
    const only: { cookie?: string } = { cookie: 'nblaunch_w_py=s' };
    stripLauncherCookies(only);
    assert.equal(only.cookie, undefined);
    const none: { cookie?: string } = {};
    stripLauncherCookies(none);
    assert.deepEqual(none, {});
    const other = { cookie: 'a=1; b=nblaunch_x' };
    stripLauncherCookies(other);
    assert.equal(other.cookie, 'a=1; b=nblaunch_x');
  });
});
