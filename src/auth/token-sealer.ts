import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { LauncherError } from '../errors/launcher-error.js';

const sealedPrefix = 'sealed1:';
const ivBytes = 12;
const tagBytes = 16;

/**
 * Seals the secrets the launcher must read back (notebook servers' Jupyter tokens) before they
 * go into Redis, with AES-256-GCM and a key kept outside Redis (`auth.secretKeyFile`): whoever
 * reads Redis's data files (its dump or append-only file, a backup) gets nothing usable. Values
 * without the prefix are records written before sealing, read as they are.
 */
export class TokenSealer {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('a TokenSealer needs a 32-byte key');
  }

  /** A sealer with a key of its own, for tests. */
  static withRandomKey(): TokenSealer {
    return new TokenSealer(randomBytes(32));
  }

  seal(plain: string): string {
    if (!plain) return plain;
    const iv = randomBytes(ivBytes);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return `${sealedPrefix}${iv.toString('base64url')}.${body.toString('base64url')}`;
  }

  open(stored: string): string {
    if (!stored.startsWith(sealedPrefix)) return stored;
    const [ivText = '', bodyText = ''] = stored.slice(sealedPrefix.length).split('.');
    const body = Buffer.from(bodyText, 'base64url');
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(ivText, 'base64url'));
      decipher.setAuthTag(body.subarray(body.length - tagBytes));
      return Buffer.concat([decipher.update(body.subarray(0, body.length - tagBytes)), decipher.final()]).toString('utf8');
    } catch (error) {
      throw new LauncherError(500, 'secret-key-mismatch', 'A token in Redis was sealed with another secret key than this launcher\'s. Launchers that share a Redis must share one key file: set auth.secretKeyFile to the same file for all of them.', { cause: error });
    }
  }
}
