import type { OrganizerTokenStore } from '../auth/organizer-token-store.js';
import type { SignInSessionStore } from '../auth/sign-in-session-store.js';
import type { AttendeeStore } from './attendee-store.js';
import type { WorkshopStore } from './workshop-store.js';

/** Everything workshops and their sign-ins keep (in Redis in production). */
export interface WorkshopStores {
  organizerTokens: OrganizerTokenStore;
  signInSessions: SignInSessionStore;
  workshops: WorkshopStore;
  attendees: AttendeeStore;
}
