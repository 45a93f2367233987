import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LauncherError } from '../errors/launcher-error.js';
import { checkRepoDockerfile } from './repo-dockerfile.js';

const refused = (text: string) => assert.throws(() => checkRepoDockerfile(text, 'Dockerfile'), (error: unknown) => {
  assert.ok(error instanceof LauncherError);
  assert.deepEqual([error.status, error.reason], [422, 'dockerfile-remote-source']);
  assert.match(error.message, /RUN step|public registry|cannot tell which image/);
  return true;
}, text);

describe('checkRepoDockerfile', () => {
  it('refuses every shape of ADD with a remote source', () => {
    for (const text of [
      'FROM x\nADD http://127.0.0.1:9/s /s\n',
      'FROM x\nADD ["http://127.0.0.1:9/s", "/s"]\n',
      'FROM x\nADD ["\\u0068ttp://127.0.0.1:9/s", "/s"]\n',
      'FROM x\nADD --chown=1:1 --chmod=600 \\\n  local.txt \\\n  https://10.0.0.1/s \\\n  /s\n',
      '# escape=`\nFROM x\nADD `\n  http://127.0.0.1:9/s /s\n',
      'FROM x\nONBUILD ADD http://127.0.0.1:9/s /s\n',
      'FROM x\nAD\\\nD h\\\nttp://127.0.0.1:9/s /s\n',
      'FROM x\nadd HTTP://127.0.0.1:9/s /s\n',
      'FROM x\nADD git://127.0.0.1/repo.git /s\n',
      'FROM x\nADD git@127.0.0.1:repo.git /s\n',
      'FROM x\nARG U=http://127.0.0.1:9/s\nADD $U /s\n',
      'FROM x\nADD ${U} /s\n',
      'FROM x\nADD "http://127.0.0.1:9/s" /s\n',
      "FROM x\nADD 'http'://127.0.0.1:9/s /s\n",
      'FROM x\nADD h\\ttp://127.0.0.1:9/s /s\n',
      'FROM x\nADD ["http:\\/\\/127.0.0.1:9/s", "/s"]\n',
    ]) refused(text);
  });

  it('refuses images from a registry on the build machine or an address', () => {
    for (const text of ['FROM 127.0.0.1:5000/x\n', 'FROM localhost:5000/x:1\n', 'FROM [::1]:5000/x\n', 'FROM --platform=linux/amd64 10.1.2.3/x\n', 'FROM x\nCOPY --from=127.0.0.1:5000/y /a /b\n', 'ARG BASE=127.0.0.1:5000/x\nFROM $BASE\n', 'ARG BASE="localhost:5000/x"\nFROM ${BASE}\n', 'FROM $UNSET\n']) refused(text);
  });

  it('keeps local sources, stages and public images', () => {
    const text = 'ARG BASE=python:3.12\nFROM ${BASE} AS build\nADD --chown=1000:100 data.tar.gz /data/\nADD ["a b.txt", "/c/"]\nFROM registry.example.org:5000/team/image\nCOPY --from=build /data /data\nCOPY http-notes.txt /\n';
    assert.equal(checkRepoDockerfile(text, 'Dockerfile'), text);
  });
});
