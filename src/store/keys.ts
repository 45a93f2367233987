/** Every Redis key nblaunch uses, under one prefix per launcher instance. */
export function storeKeys(instance: string) {
  const prefix = `nblaunch:${instance}:`;
  return {
    /** For Lua scripts that name keys of ids they find themselves (claimScript); the same forms as below. */
    prefix,
    session: (id: string) => `${prefix}session:${id}`,
    /** Sorted set of session ids holding a capacity slot, scored by reservation time. */
    slots: `${prefix}slots`,
    slotsOfIp: (ip: string) => `${prefix}slots-ip:${ip}`,
    /** Hash from session id to the client address that holds the slot. */
    slotIps: `${prefix}slot-ips`,
    ended: (id: string) => `${prefix}ended:${id}`,
    /** A known text sealed with the first launcher's secret key: a launcher with another key refuses to start. */
    secretKeyCheck: `${prefix}secret-key-check`,
    route: (id: string) => `${prefix}route:${id}`,
    routes: `${prefix}routes`,
    /** Pub/sub channel announcing route changes to every launcher process. */
    routeChanges: `${prefix}route-changes`,
    /** Sorted set of built image names by last launch time. */
    imagesLastUsed: `${prefix}images-last-used`,
    rate: (key: string, window: number) => `${prefix}rate:${key}:${window}`,
    /** Hash from organizer token id to its record (label, creation time, SHA-256 of the token). */
    organizerTokens: `${prefix}organizer-tokens`,
    /** Hash from the SHA-256 of an organizer token to its id. */
    organizerTokenIds: `${prefix}organizer-token-ids`,
    /** A browser sign-in session, keyed by the SHA-256 of its cookie, expiring with it. */
    signIn: (idHash: string) => `${prefix}sign-in:${idHash}`,
    /** A one-time hand-off code to the server origin, keyed by its SHA-256; taken once, expiring in a minute. */
    handoff: (codeHash: string) => `${prefix}handoff:${codeHash}`,
    /** A server-origin grant (the cookie a hand-off sets), keyed by the SHA-256 of the cookie, expiring with it. */
    serverGrant: (idHash: string) => `${prefix}server-grant:${idHash}`,
    workshop: (slug: string) => `${prefix}workshop:${slug}`,
    /** Sorted set of workshop slugs by creation time. */
    workshops: `${prefix}workshops`,
    /** Hash from attendee id to the attendee record. */
    attendees: (slug: string) => `${prefix}attendees:${slug}`,
    /** Hash from (lower-case) email to attendee id: the email is the identity within a workshop. */
    attendeeEmails: (slug: string) => `${prefix}attendee-emails:${slug}`,
    /** Set of ids of attendees not revoked. */
    activeAttendees: (slug: string) => `${prefix}attendees-active:${slug}`,
    /** Hash from the SHA-256 of an invite secret to its attendee and invite version. */
    invites: (slug: string) => `${prefix}invites:${slug}`,
    /** Hash of a server held by a pool: its pool and image from the reservation, the rest once ready. */
    pooled: (id: string) => `${prefix}pooled:${id}`,
    /** Set of the ids one pool holds, ready or starting: the pool's size check. */
    pool: (key: string) => `${prefix}pool:${key}`,
    /** Sorted set of the ready pooled servers of one image, by the time they became ready. */
    poolReady: (image: string) => `${prefix}pool-ready:${image}`,
    /** A workshop attendee's persistent server (JSON), kept while it is stopped. */
    persistent: (id: string) => `${prefix}persistent:${id}`,
    /** Set of the ids of every persistent server. */
    persistentIds: `${prefix}persistent-ids`,
    /** Set of the ids of one workshop's persistent servers. */
    persistentOf: (slug: string) => `${prefix}persistent-of:${slug}`,
  };
}

export type StoreKeys = ReturnType<typeof storeKeys>;
