import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { customAlphabet } from 'nanoid';

/** 32 random bytes, base64url: 43 characters, 256 bits. Organizer tokens, invites and sign-in sessions. */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

export const secretPattern = /^[A-Za-z0-9_-]{43}$/;

/**
 * Organizer tokens start with this, so the proxy can tell them from a notebook server's own
 * Jupyter token without a lookup and never pass them on. Tokens made before have no prefix.
 */
export const organizerTokenPrefix = 'nbo_';

/** A new organizer token: the prefix and a secret. */
export function newOrganizerToken(): string {
  return `${organizerTokenPrefix}${newSecret()}`;
}

/**
 * SHA-256 in hex. A fast hash is right here: every secret we hash has 256 bits of entropy (or,
 * for a configured organizer token, at least 24 characters), so there is nothing to brute-force.
 */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** 16 characters of [0-9a-z]: ids that appear in URLs and logs (never secrets themselves). */
export const newPublicId = customAlphabet('0123456789abcdefghijklmnopqrstuvwxyz', 16);
