import { randomBytes } from 'node:crypto';
import { customAlphabet } from 'nanoid';

/** 20 characters of [0-9a-z]: about 103 bits, unguessable, and safe in URLs and container names. */
export const newSessionId = customAlphabet('0123456789abcdefghijklmnopqrstuvwxyz', 20);

export function newServerToken(): string {
  return randomBytes(24).toString('hex');
}
