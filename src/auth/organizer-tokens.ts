import { LauncherError } from '../errors/launcher-error.js';
import type { OrganizerTokenRecord, OrganizerTokenStore } from './organizer-token-store.js';
import { hashSecret, newOrganizerToken, newPublicId } from './secrets.js';

export interface OrganizerTokenInfo {
  id: string;
  label: string;
  createdAt: string;
}

export interface CreatedOrganizerToken extends OrganizerTokenInfo {
  /** The only time the token is ever seen: it is stored hashed. */
  token: string;
}

const maxLabelLength = 100;

function cleanLabel(label: string): string {
  const cleaned = label.replace(/[\u0000-\u001f\u007f]/g, ' ').trim();
  if (!cleaned || cleaned.length > maxLabelLength) {
    throw new LauncherError(400, 'bad-label', `A token needs a label of 1 to ${maxLabelLength} characters saying who or what uses it, e.g. "alice" or "ci".`);
  }
  return cleaned;
}

function info(record: OrganizerTokenRecord): OrganizerTokenInfo {
  return { id: record.id, label: record.label, createdAt: record.createdAt };
}

export async function createOrganizerToken(store: OrganizerTokenStore, label: string, now = new Date()): Promise<CreatedOrganizerToken> {
  const token = newOrganizerToken();
  const record: OrganizerTokenRecord = { id: newPublicId(), label: cleanLabel(label), createdAt: now.toISOString(), tokenHash: hashSecret(token) };
  await store.add(record);
  return { ...info(record), token };
}

/** The token's id and label when it is a current organizer token, else null. */
export async function verifyOrganizerToken(store: OrganizerTokenStore, token: string): Promise<OrganizerTokenInfo | null> {
  if (!token) return null;
  const record = await store.findByHash(hashSecret(token));
  return record ? info(record) : null;
}

/** Labels and dates only: tokens cannot be shown again. */
export async function listOrganizerTokens(store: OrganizerTokenStore): Promise<OrganizerTokenInfo[]> {
  return (await store.list()).map(info);
}

/** Revokes a token; browser sessions signed in with it end with it. Refuses to remove the last one. */
export async function revokeOrganizerToken(store: OrganizerTokenStore, id: string): Promise<OrganizerTokenInfo> {
  const tokens = await store.list();
  const record = tokens.find((candidate) => candidate.id === id);
  if (!record) throw new LauncherError(404, 'no-such-token', 'There is no organizer token with this id. List them to see the ids.');
  if (tokens.length === 1) {
    throw new LauncherError(409, 'last-token', 'This is the last organizer token: revoking it would lock every organizer out. Create another token first.');
  }
  await store.remove(id);
  return info(record);
}
