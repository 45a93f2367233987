import { MemoryOrganizerTokenStore } from '../../auth/testing/memory-organizer-token-store.js';
import { MemorySignInSessionStore } from '../../auth/testing/memory-sign-in-session-store.js';
import { MemoryAttendeeStore } from './memory-attendee-store.js';
import { MemoryWorkshopStore } from './memory-workshop-store.js';

export function memoryWorkshopStores() {
  return {
    organizerTokens: new MemoryOrganizerTokenStore(),
    signInSessions: new MemorySignInSessionStore(),
    workshops: new MemoryWorkshopStore(),
    attendees: new MemoryAttendeeStore(),
  };
}
