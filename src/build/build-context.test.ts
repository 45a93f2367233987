import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildContextFor, generatedDockerfileName } from './build-context.js';
import { memoryRepoFiles } from './testing/memory-repo-files.js';

const file = () => false;
const folder = () => true;

describe('buildContextFor', () => {
  it('adds the Dockerfile and a .dockerignore that hides it (and itself, when the repo had none)', async () => {
    const context = await buildContextFor(memoryRepoFiles({ 'a.txt': '' }), 'FROM x\n');
    assert.deepEqual(context.extraFiles, [{ name: generatedDockerfileName, content: 'FROM x\n' }, { name: '.dockerignore', content: `${generatedDockerfileName}\n.git\n.dockerignore\n` }]);
    assert.equal(context.excludes('a.txt', file), false);
    assert.equal(context.excludes(generatedDockerfileName, file), true, 'a checkout file of that name never replaces the launcher\'s');
  });

  it('keeps the repo\'s rules, exceptions included, and walks a folder that holds an exception', async () => {
    const context = await buildContextFor(memoryRepoFiles({ '.dockerignore': '# data stays out\ndata\n!data/keep.csv\n*.log', 'data/keep.csv': '', 'data/big.bin': '' }), 'FROM x\n');
    assert.equal(context.extraFiles[1]!.content, `# data stays out\ndata\n!data/keep.csv\n*.log\n${generatedDockerfileName}\n.git\n`);
    assert.equal(context.excludes('data', folder), false);
    assert.equal(context.excludes('data/big.bin', file), true);
    assert.equal(context.excludes('data/keep.csv', file), false);
    assert.equal(context.excludes('run.log', file), true);
    assert.equal(context.excludes('.dockerignore', file), true, 'the repo\'s own file is replaced by the merged one');
  });
});
