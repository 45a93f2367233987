import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Where the key is: `auth.secretKeyFile`, else `secret.key` in the data directory. */
export function secretKeyPath(config: { dataDir: string; auth: { secretKeyFile: string } }): string {
  return config.auth.secretKeyFile || join(config.dataDir, 'secret.key');
}

/**
 * The launcher's 32-byte secret key (base64 in `path`), made on first start with mode 0600.
 * Written beside and linked into place, so two launchers starting at once agree on one key and
 * neither reads a half-written file.
 */
export function loadSecretKey(path: string): Buffer {
  try {
    return parseKey(readFileSync(path, 'utf8'), path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const draft = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(draft, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  try {
    linkSync(draft, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(draft);
  }
  return parseKey(readFileSync(path, 'utf8'), path);
}

function parseKey(text: string, path: string): Buffer {
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== 32) throw new Error(`${path} is not an nblaunch secret key (32 random bytes in base64, e.g. from: openssl rand -base64 32)`);
  return key;
}
