import type { WorkshopStores } from '../workshops/workshop-stores.js';
import type { RedisClient } from './redis-connection.js';
import { RedisAttendeeStore } from './redis-attendee-store.js';
import { RedisOrganizerTokenStore } from './redis-organizer-token-store.js';
import { RedisSignInSessionStore } from './redis-sign-in-session-store.js';
import { RedisWorkshopStore } from './redis-workshop-store.js';

export function redisWorkshopStores(redis: RedisClient, instance: string): WorkshopStores {
  return {
    organizerTokens: new RedisOrganizerTokenStore(redis, instance),
    signInSessions: new RedisSignInSessionStore(redis, instance),
    workshops: new RedisWorkshopStore(redis, instance),
    attendees: new RedisAttendeeStore(redis, instance),
  };
}
