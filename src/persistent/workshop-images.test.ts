import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../config/load.js';
import { silentLogger } from '../log/testing.js';
import { FakeRepoImages } from '../pools/testing/fake-repo-images.js';
import { BuiltWorkshopImages } from './workshop-images.js';
import { workshopOn } from './testing/persistent-harness.js';

const config = loadConfig({ env: {}, overrides: { image: 'nblaunch/base:test' } });
const repo = { url: 'https://github.com/owner/course', ref: 'main', provider: 'gh', spec: 'owner/course/main' };

describe('BuiltWorkshopImages', () => {
  it('runs the default image for a workshop without a repo', async () => {
    const builder = new FakeRepoImages();
    const images = new BuiltWorkshopImages({ config, builder, logger: silentLogger() });
    assert.equal(await images.imageFor(workshopOn(Date.now())), 'nblaunch/base:test');
    assert.deepEqual(builder.builds, []);
  });

  it('runs the repo\'s image at its current commit, built as a repo link would', async () => {
    const builder = new FakeRepoImages();
    builder.current.set('owner/course', 'nblaunch-build/gh-owner-course:abc-r1');
    const touched: string[] = [];
    const images = new BuiltWorkshopImages({ config, builder, logger: silentLogger(), imageUsage: { touch: async (image: string) => { touched.push(image); } } });
    assert.equal(await images.imageFor(workshopOn(Date.now(), 'py', { repo })), 'nblaunch-build/gh-owner-course:abc-r1');
    assert.deepEqual(builder.builds, ['nblaunch-build/gh-owner-course:abc-r1']);
    assert.deepEqual(touched, ['nblaunch-build/gh-owner-course:abc-r1']);
  });

  it('resumes a returning attendee on their previous image when the repo cannot be resolved', async () => {
    const images = new BuiltWorkshopImages({ config, builder: new FakeRepoImages(), logger: silentLogger() });
    assert.equal(await images.imageFor(workshopOn(Date.now(), 'py', { repo }), 'nblaunch-build/old:1'), 'nblaunch-build/old:1');
    await assert.rejects(images.imageFor(workshopOn(Date.now(), 'py', { repo })), { reason: 'ref-not-found' });
  });
});
