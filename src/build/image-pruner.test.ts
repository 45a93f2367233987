import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chooseImagesToPrune } from './image-pruner.js';
import type { ImageInfo } from './image-store.js';

const image = (tag: string, createdAt: number): ImageInfo => ({ id: `sha256:${tag}`, tags: [tag], labels: {}, createdAt, sizeBytes: 1 });

describe('chooseImagesToPrune', () => {
  it('removes the least recently used first, counting launches over build time', () => {
    const images = [image('a', 1), image('b', 2), image('c', 3), image('d', 4)];
    const lastUsed = new Map([['a', 100]]);
    const choice = chooseImagesToPrune(images, lastUsed, new Set(), 2);
    assert.deepEqual(choice.remove.map((entry) => entry.tags[0]), ['b', 'c']);
    assert.deepEqual(choice.keep.map((entry) => entry.tags[0]).sort(), ['a', 'd']);
  });

  it('never removes an image a running server uses, even if that leaves more than `keep`', () => {
    const images = [image('a', 1), image('b', 2), image('c', 3)];
    const choice = chooseImagesToPrune(images, new Map(), new Set(['a', 'b']), 0);
    assert.deepEqual(choice.remove.map((entry) => entry.tags[0]), ['c']);
  });

  it('removes nothing when there are no more than `keep`', () => {
    assert.deepEqual(chooseImagesToPrune([image('a', 1)], new Map(), new Set(), 1).remove, []);
  });
});
