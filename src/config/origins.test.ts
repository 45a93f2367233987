import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { effectiveOrigins, originSettingsProblem } from './origins.js';

const settings = (over: Partial<{ publicUrl: string; serverOrigin: string; allowServersOnLauncherOrigin: boolean }> = {}) => ({
  publicUrl: '', serverOrigin: '', allowServersOnLauncherOrigin: false, ...over,
});

describe('the launcher\'s and the servers\' origins', () => {
  it('by default serves this machine: the launcher at localhost, each server at <id>.localhost, on the bound port', () => {
    assert.deepEqual(effectiveOrigins(settings(), 8123), { publicUrl: 'http://localhost:8123', serverOrigin: 'http://*.localhost:8123', launcherHost: 'localhost:8123' });
  });

  it('puts servers on *.localhost beside a loopback publicUrl, on its port, and leaves its host to it', () => {
    assert.deepEqual(effectiveOrigins(settings({ publicUrl: 'http://127.0.0.1:9000/' }), 8123), { publicUrl: 'http://127.0.0.1:9000', serverOrigin: 'http://*.localhost:9000', launcherHost: '' });
    assert.equal(originSettingsProblem(settings({ publicUrl: 'http://localhost:9000' })), null);
  });

  it('keeps a configured serverOrigin, and the launcher\'s own origin only when asked by name', () => {
    const configured = settings({ publicUrl: 'https://nb.example.org', serverOrigin: 'https://*.s.example.org' });
    assert.deepEqual(effectiveOrigins(configured, 1), { publicUrl: 'https://nb.example.org', serverOrigin: 'https://*.s.example.org', launcherHost: '' });
    assert.deepEqual(effectiveOrigins(settings({ allowServersOnLauncherOrigin: true }), 1), { publicUrl: '', serverOrigin: '', launcherHost: '' });
  });

  it('refuses a publicUrl beyond loopback without serverOrigin, naming both ways out', () => {
    const problem = originSettingsProblem(settings({ publicUrl: 'https://nb.example.org' }));
    assert.match(problem ?? '', /serverOrigin \(NBLAUNCH_SERVER_ORIGIN\)/);
    assert.match(problem ?? '', /allowServersOnLauncherOrigin \(NBLAUNCH_ALLOW_SERVERS_ON_LAUNCHER_ORIGIN\)/);
    assert.match(problem ?? '', /custom\.js/);
    assert.equal(originSettingsProblem(settings({ publicUrl: 'https://nb.example.org', allowServersOnLauncherOrigin: true })), null);
    assert.equal(originSettingsProblem(settings({ publicUrl: 'https://app.localhost' })) === null, false, 'a *.localhost publicUrl would collide with the servers\' names');
  });
});
