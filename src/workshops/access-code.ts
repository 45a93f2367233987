import { timingSafeEqual } from 'node:crypto';
import { customAlphabet } from 'nanoid';

// No 0/O, 1/I/L: the code is read off a slide and typed in.
const alphabet = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const eightCharacters = customAlphabet(alphabet, 8);

/**
 * A workshop's code for the room, e.g. `K7PQ-4XMD`: with it, a registered attendee signs in
 * with their email when their personal link is not at hand. 31^8 codes, and sign-in attempts
 * are rate-limited per address.
 */
export function newAccessCode(): string {
  const code = eightCharacters();
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/** What a person typed, as the code is compared: upper case, without spaces and dashes. */
export function normaliseAccessCode(typed: string): string {
  return typed.toUpperCase().replace(/[\s-]+/g, '');
}

/** Whether `typed` is the workshop's code (compared in constant time). */
export function accessCodeMatches(code: string | undefined, typed: string): boolean {
  if (!code) return false;
  const expected = Buffer.from(normaliseAccessCode(code));
  const given = Buffer.from(normaliseAccessCode(typed));
  return expected.length === given.length && timingSafeEqual(expected, given);
}
