import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { handoffPath, isHandoffPath, serverBaseUrl, serverIdFromPath, workshopOfServerId } from './server-path.js';

describe('serverIdFromPath', () => {
  it('finds the id in a server path, with or without a rest', () => {
    assert.equal(serverIdFromPath('/s/abc123/'), 'abc123');
    assert.equal(serverIdFromPath('/s/abc123'), 'abc123');
    assert.equal(serverIdFromPath('/s/abc123/api/kernels/1/channels'), 'abc123');
    assert.equal(serverIdFromPath('/s/0123456789abcdefghij/tree?token=x'), '0123456789abcdefghij');
  });

  it('accepts ids of 6 to 64 lower-case letters and digits only', () => {
    assert.equal(serverIdFromPath(`/s/${'a'.repeat(6)}/`), 'a'.repeat(6));
    assert.equal(serverIdFromPath(`/s/${'a'.repeat(64)}/`), 'a'.repeat(64));
    assert.equal(serverIdFromPath(`/s/${'a'.repeat(5)}/`), null);
    assert.equal(serverIdFromPath(`/s/${'a'.repeat(65)}/`), null);
    assert.equal(serverIdFromPath('/s/ABC123/'), null);
    assert.equal(serverIdFromPath('/s/abc-123/'), null);
    assert.equal(serverIdFromPath('/s/abc123..'), null);
  });

  it('accepts the ids of attendees\' persistent servers: ws-<workshop>-<attendee id>', () => {
    assert.equal(serverIdFromPath('/s/ws-intro-py-0123456789abcdef/tree'), 'ws-intro-py-0123456789abcdef');
    assert.equal(serverIdFromPath('/s/ws-py-0123456789abcdef'), 'ws-py-0123456789abcdef');
    assert.equal(serverIdFromPath('/s/ws-intro-py-0123456789abcde/'), null, 'an attendee id has 16 characters');
    assert.equal(serverIdFromPath('/s/ws--0123456789abcdef/'), null);
    assert.equal(serverIdFromPath('/s/ws-Intro-0123456789abcdef/'), null);
  });

  it('ignores every other path', () => {
    for (const path of ['/', '/launch', '/api/sessions/abc123', '/s/', '/x/s/abc123/', 's/abc123/', '/sabc123/']) {
      assert.equal(serverIdFromPath(path), null, path);
    }
  });
});

describe('serverBaseUrl', () => {
  it('is the path prefix serverIdFromPath reads back', () => {
    assert.equal(serverBaseUrl('abc123'), '/s/abc123/');
    assert.equal(serverIdFromPath(`${serverBaseUrl('abc123')}lab`), 'abc123');
  });
});

describe('hand-off paths', () => {
  it('lie inside the server\'s own path, where the launcher answers them itself', () => {
    const path = handoffPath('ws-py-0123456789abcdef');
    assert.equal(path, '/s/ws-py-0123456789abcdef/_nblaunch/handoff');
    assert.equal(serverIdFromPath(path), 'ws-py-0123456789abcdef');
    assert.equal(isHandoffPath(`${path}?code=x`), true);
    assert.equal(isHandoffPath(path), true);
    for (const other of ['/s/abc123/_nblaunch/handoffs', '/s/abc123/tree/_nblaunch/handoff', '/_nblaunch/handoff', '/s/abc123/']) {
      assert.equal(isHandoffPath(other), false, other);
    }
  });

  it('name the workshop of a persistent server\'s id', () => {
    assert.equal(workshopOfServerId('ws-intro-py-0123456789abcdef'), 'intro-py');
    assert.equal(workshopOfServerId('abc123def456'), null);
  });
});
