import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BuildQueue } from './build-queue.js';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => { resolve = done; });
  return { promise, resolve };
}

describe('BuildQueue', () => {
  it('runs at most `limit` tasks at once and the rest in arrival order', async () => {
    const queue = new BuildQueue(2);
    const gates = [deferred(), deferred(), deferred(), deferred()];
    const started: number[] = [];
    const runs = gates.map((gate, index) => queue.run(async () => { started.push(index); await gate.promise; return index; }));
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(started, [0, 1]);
    assert.deepEqual(queue.stats, { running: 2, waiting: 2 });
    gates[1]!.resolve();
    await runs[1];
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(started, [0, 1, 2]);
    gates.forEach((gate) => gate.resolve());
    assert.deepEqual(await Promise.all(runs), [0, 1, 2, 3]);
    assert.deepEqual(queue.stats, { running: 0, waiting: 0 });
  });

  it('tells waiters their position as it changes', async () => {
    const queue = new BuildQueue(1);
    const gate = deferred();
    const positions: number[] = [];
    const first = queue.run(() => gate.promise);
    const second = queue.run(async () => undefined, (position) => positions.push(position));
    const third: number[] = [];
    const last = queue.run(async () => undefined, (position) => third.push(position));
    gate.resolve();
    await Promise.all([first, second, last]);
    assert.deepEqual(positions, [1]);
    assert.deepEqual(third, [2, 1]);
  });

  it('frees the slot when a task fails, and never lets a newcomer overtake a waiter', async () => {
    const queue = new BuildQueue(1);
    const order: string[] = [];
    const failing = queue.run(async () => { order.push('a'); throw new Error('boom'); });
    const waiter = queue.run(async () => { order.push('b'); });
    await assert.rejects(failing, /boom/);
    const newcomer = queue.run(async () => { order.push('c'); });
    await Promise.all([waiter, newcomer]);
    assert.deepEqual(order, ['a', 'b', 'c']);
  });
});
