import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { WebSocketActivity } from './websocket-activity.js';

/** A stand-in for a browser's socket: a stream with Node's byte counters. */
function fakeSocket() {
  return Object.assign(new PassThrough(), { bytesRead: 0, bytesWritten: 0 });
}

function setup() {
  const touches: Array<[string, number | undefined]> = [];
  const websockets = new WebSocketActivity({ touch: (id, now) => { touches.push([id, now]); } }, 60_000);
  return { touches, websockets };
}

describe('WebSocketActivity', () => {
  it('touches a server once per sweep in which its socket moved bytes, either way', () => {
    const { touches, websockets } = setup();
    const socket = fakeSocket();
    socket.bytesRead = 300;
    websockets.watch('server01', socket);
    websockets.sweep(10);
    assert.deepEqual(touches, [], 'bytes before the watch (the upgrade request) are not traffic');

    socket.bytesRead += 40;
    websockets.sweep(20);
    websockets.sweep(30);
    socket.bytesWritten += 40;
    websockets.sweep(40);
    assert.deepEqual(touches, [['server01', 20], ['server01', 40]]);
    websockets.close();
  });

  it('sweeps a socket\'s last traffic when it closes, then forgets it', () => {
    const { touches, websockets } = setup();
    const quiet = fakeSocket();
    const busy = fakeSocket();
    websockets.watch('quiet0001', quiet);
    websockets.watch('busy00001', busy);
    busy.bytesWritten += 10;
    busy.emit('close');
    quiet.emit('close');
    assert.deepEqual(touches.map(([id]) => id), ['busy00001']);
    assert.equal(websockets.size, 0);
    websockets.close();
  });

  it('counts the chunks of a stream that keeps no byte counters', () => {
    const { touches, websockets } = setup();
    const stream = new PassThrough();
    websockets.watch('server02', stream);
    stream.write('a frame');
    assert.deepEqual(touches.map(([id]) => id), ['server02']);
    assert.equal(websockets.size, 0);
    websockets.close();
  });
});
