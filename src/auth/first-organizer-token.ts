import type { Logger } from '../log/logger.js';
import type { OrganizerTokenStore } from './organizer-token-store.js';
import { hashSecret, newOrganizerToken, newPublicId } from './secrets.js';

export type FirstTokenOutcome = 'configured-added' | 'configured-present' | 'created' | 'present';

export interface FirstTokenOptions {
  /** `auth.organizerToken`: empty unless the deployment brings its own (the schema asks for 24+ characters). */
  configuredToken: string;
  /** Where organizers sign in, e.g. http://localhost:8000/organizer/sign-in. */
  signInUrl: string;
  logger: Logger;
  /** Receives the one-time announcement of a new token: stdout, never the log. */
  print?: (text: string) => void;
  now?: Date;
}

export function firstTokenAnnouncement(token: string, signInUrl: string): string {
  return [
    '',
    'nblaunch created the first organizer token. It is shown only this once; keep it somewhere safe:',
    '',
    `    ${token}`,
    '',
    `Sign in as an organizer at ${signInUrl} with it, or send it to the API as "Authorization: Bearer <token>".`,
    'Lost it? Run "npx nblaunch organizer-token create <label>" on this machine for a new one.',
    '',
  ].join('\n');
}

/**
 * At start-up: stores the configured organizer token (hashed) if there is one; otherwise, when
 * no organizer token exists at all, creates one and prints it once.
 */
export async function ensureFirstOrganizerToken(store: OrganizerTokenStore, options: FirstTokenOptions): Promise<FirstTokenOutcome> {
  const createdAt = (options.now ?? new Date()).toISOString();
  const configured = options.configuredToken.trim();
  if (configured) {
    const outcome = await store.add({ id: newPublicId(), label: 'from NBLAUNCH_ORGANIZER_TOKEN', createdAt, tokenHash: hashSecret(configured) });
    if (outcome === 'added') options.logger.info({ event: 'organizer-token-created', source: 'configuration' }, 'stored the configured organizer token (hashed)');
    return outcome === 'added' ? 'configured-added' : 'configured-present';
  }
  const token = newOrganizerToken();
  const outcome = await store.add({ id: newPublicId(), label: 'first organizer', createdAt, tokenHash: hashSecret(token) }, { onlyIfNone: true });
  if (outcome !== 'added') return 'present';
  options.logger.info({ event: 'organizer-token-created', source: 'first start' }, 'created the first organizer token; printed once on stdout');
  (options.print ?? ((text: string) => process.stdout.write(text)))(firstTokenAnnouncement(token, options.signInUrl));
  return 'created';
}
