import type { OrganizerTokenStore } from './organizer-token-store.js';
import { hashSecret, organizerTokenPrefix } from './secrets.js';

/** The answer at once when it can be given without a lookup, else a promise. */
export type CredentialVerdict = boolean | Promise<boolean>;

const authorizationPattern = /^\s*(\S+)\s+(\S+)\s*$/;

/**
 * Whether an Authorization header carries an organizer token, for the proxy's hot path: a
 * prefixed token (any scheme) is known at once; only a `Bearer` credential without the prefix
 * (tokens made before the prefix, a configured `auth.organizerToken`) costs a lookup of its
 * hash. Jupyter's own `Authorization: token <jupyter token>` costs nothing.
 */
export function organizerAuthorization(store: Pick<OrganizerTokenStore, 'findByHash'>): (authorization: string) => CredentialVerdict {
  return (authorization) => {
    const match = authorizationPattern.exec(authorization);
    if (!match) return false;
    const [, scheme, credential] = match as unknown as [string, string, string];
    if (credential.startsWith(organizerTokenPrefix)) return true;
    if (scheme.toLowerCase() !== 'bearer') return false;
    return store.findByHash(hashSecret(credential)).then((record) => record !== null);
  };
}
