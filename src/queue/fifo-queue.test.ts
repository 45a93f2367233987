import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FifoQueue } from './fifo-queue.js';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => { resolve = done; });
  return { promise, resolve };
}

describe('FifoQueue', () => {
  it('runs at most `limit` tasks at once and the rest in arrival order', async () => {
    const queue = new FifoQueue(2);
    const gates = [deferred(), deferred(), deferred(), deferred()];
    const started: number[] = [];
    const runs = gates.map((gate, index) => queue.run(async () => { started.push(index); await gate.promise; return index; }));
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(started, [0, 1]);
    assert.deepEqual(queue.stats, { running: 2, waiting: 2, waitingBackground: 0 });
    gates[1]!.resolve();
    await runs[1];
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(started, [0, 1, 2]);
    gates.forEach((gate) => gate.resolve());
    assert.deepEqual(await Promise.all(runs), [0, 1, 2, 3]);
    assert.deepEqual(queue.stats, { running: 0, waiting: 0, waitingBackground: 0 });
  });

  it('tells waiters their position as it changes', async () => {
    const queue = new FifoQueue(1);
    const gate = deferred();
    const positions: number[] = [];
    const first = queue.run(() => gate.promise);
    const second = queue.run(async () => undefined, { onPosition: (position) => positions.push(position) });
    const third: number[] = [];
    const last = queue.run(async () => undefined, { onPosition: (position) => third.push(position) });
    gate.resolve();
    await Promise.all([first, second, last]);
    assert.deepEqual(positions, [1]);
    assert.deepEqual(third, [2, 1]);
  });

  it('frees the slot when a task fails, and never lets a newcomer overtake a waiter', async () => {
    const queue = new FifoQueue(1);
    const order: string[] = [];
    const failing = queue.run(async () => { order.push('a'); throw new Error('boom'); });
    const waiter = queue.run(async () => { order.push('b'); });
    await assert.rejects(failing, /boom/);
    const newcomer = queue.run(async () => { order.push('c'); });
    await Promise.all([waiter, newcomer]);
    assert.deepEqual(order, ['a', 'b', 'c']);
  });

  it('never runs more than `limit` tasks, however many foreground and background tasks arrive', async () => {
    const queue = new FifoQueue(3, { backgroundLimit: 2 });
    let running = 0;
    let peak = 0;
    let peakBackground = 0;
    let background = 0;
    const task = (isBackground: boolean) => async () => {
      running += 1;
      if (isBackground) background += 1;
      peak = Math.max(peak, running);
      peakBackground = Math.max(peakBackground, background);
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5));
      running -= 1;
      if (isBackground) background -= 1;
    };
    await Promise.all(Array.from({ length: 40 }, (_, i) => queue.run(task(i % 2 === 0), { background: i % 2 === 0 })));
    assert.equal(peak, 3);
    assert.equal(peakBackground, 2);
    assert.deepEqual(queue.stats, { running: 0, waiting: 0, waitingBackground: 0 });
  });

  it('starts waiting foreground tasks before background tasks that arrived earlier', async () => {
    const queue = new FifoQueue(1);
    const gate = deferred();
    const order: string[] = [];
    const first = queue.run(() => gate.promise);
    const runs = [
      queue.run(async () => { order.push('refill 1'); }, { background: true }),
      queue.run(async () => { order.push('refill 2'); }, { background: true }),
      queue.run(async () => { order.push('launch 1'); }),
      queue.run(async () => { order.push('launch 2'); }),
    ];
    assert.deepEqual(queue.stats, { running: 1, waiting: 2, waitingBackground: 2 });
    gate.resolve();
    await Promise.all([first, ...runs]);
    assert.deepEqual(order, ['launch 1', 'launch 2', 'refill 1', 'refill 2']);
  });

  it('keeps a slot free of background work for the next foreground task', async () => {
    const queue = new FifoQueue(2, { backgroundLimit: 1 });
    const gates = [deferred(), deferred()];
    const started: string[] = [];
    const refills = gates.map((gate, index) => queue.run(async () => { started.push(`refill ${index}`); await gate.promise; }, { background: true }));
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(started, ['refill 0']);
    const launch = queue.run(async () => { started.push('launch'); });
    await launch;
    assert.deepEqual(started, ['refill 0', 'launch']);
    gates.forEach((gate) => gate.resolve());
    await Promise.all(refills);
    assert.deepEqual(started, ['refill 0', 'launch', 'refill 1']);
  });

  it('counts a launch behind waiting launches only, not behind refills, in its position', async () => {
    const queue = new FifoQueue(1);
    const gate = deferred();
    const first = queue.run(() => gate.promise);
    const refillPositions: number[] = [];
    const launchPositions: number[] = [];
    const refill = queue.run(async () => undefined, { background: true, onPosition: (position) => refillPositions.push(position) });
    const launch = queue.run(async () => undefined, { onPosition: (position) => launchPositions.push(position) });
    gate.resolve();
    await Promise.all([first, refill, launch]);
    assert.deepEqual(launchPositions, [1]);
    assert.deepEqual(refillPositions, [1, 2, 1]);
  });
});
