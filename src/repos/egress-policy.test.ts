import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LauncherError } from '../errors/launcher-error.js';
import { egressTarget, type Resolver } from './egress-policy.js';

const dns = (table: Record<string, string[]>): Resolver => async (name) => {
  const found = table[name];
  if (!found) throw new Error(`ENOTFOUND ${name}`);
  return found;
};

const notFound = (error: unknown) => error instanceof LauncherError && error.status === 404 && error.reason === 'repo-not-found';

describe('egressTarget', () => {
  const resolve = dns({
    'git.example.org': ['140.82.112.3', '2606:50c0:8000::153'],
    'sneaky.example.org': ['140.82.112.3', '10.0.0.7'],
    'metadata.example.org': ['169.254.169.254'],
    'mapped.example.org': ['::ffff:127.0.0.1'],
  });

  it('pins a public host to the addresses it checked, IPv6 in brackets', async () => {
    const target = await egressTarget(new URL('https://git.example.org/o/r.git'), { allowedHosts: [], resolve });
    assert.equal(target.url, 'https://git.example.org/o/r.git');
    assert.deepEqual(target.pins, ['git.example.org:443:140.82.112.3,[2606:50c0:8000::153]']);
  });

  it('refuses a name with any non-public address, and one that does not resolve, with the same answer', async () => {
    const seen: string[] = [];
    const policy = { allowedHosts: [], resolve, onRefused: (_host: string, why: string) => seen.push(why) };
    for (const host of ['sneaky.example.org', 'metadata.example.org', 'mapped.example.org', 'nowhere.example.org']) {
      await assert.rejects(egressTarget(new URL(`https://${host}/o/r.git`), policy), notFound, host);
    }
    assert.deepEqual(seen, ['resolves to a private address', 'resolves to a link-local address', 'resolves to a loopback address', 'no address']);
  });

  it('refuses internal address literals in every spelling without asking DNS', async () => {
    const never: Resolver = async () => { throw new Error('no DNS for literals'); };
    for (const host of ['127.1', '0x7f.1', '2130706433', '[::1]', '[::ffff:127.0.0.1]', '169.254.169.254', '100.64.1.1', '10.1.2.3', '[fe80::1]', '0.0.0.0']) {
      await assert.rejects(egressTarget(new URL(`https://${host}:8443/o/r.git`), { allowedHosts: [], resolve: never }), notFound, host);
    }
    assert.deepEqual((await egressTarget(new URL('https://140.82.112.3/o/r.git'), { allowedHosts: [], resolve: never })).pins, []);
  });

  it('lets allowed hosts through on any address, by host or host:port', async () => {
    assert.equal((await egressTarget(new URL('http://127.0.0.1:9418/o/r.git'), { allowedHosts: ['127.0.0.1:9418'], resolve })).url, 'http://127.0.0.1:9418/o/r.git');
    await assert.rejects(egressTarget(new URL('http://127.0.0.1:9419/o/r.git'), { allowedHosts: ['127.0.0.1:9418'], resolve }), notFound);
    assert.deepEqual((await egressTarget(new URL('https://gitlab.internal/o/r.git'), { allowedHosts: ['gitlab.internal'], resolve })).pins, []);
  });
});
