import type { TokenSealer } from '../auth/token-sealer.js';
import { storeKeys } from './keys.js';
import { storeCall, type RedisClient } from './redis-connection.js';

const knownText = 'nblaunch secret key check';

/**
 * Fails the start of a launcher whose secret key differs from the one the first launcher on this
 * Redis stored a sealed check with: it could not read the tokens the others stored.
 */
export async function assertSameSecretKey(redis: RedisClient, instance: string, sealer: TokenSealer): Promise<void> {
  const key = storeKeys(instance).secretKeyCheck;
  const stored = await storeCall(async () => {
    await redis.set(key, sealer.seal(knownText), { NX: true });
    return redis.get(key);
  });
  if (stored !== null && sealer.open(stored) !== knownText) {
    throw new Error('the secret key check in Redis does not match this launcher\'s key: set auth.secretKeyFile to the file the other launchers use');
  }
}
