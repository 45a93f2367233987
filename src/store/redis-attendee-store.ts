import type { Attendee } from '../workshops/attendee.js';
import type { AddAttendeeOutcome, AttendeeStore, ClaimOutcome, InviteMatch } from '../workshops/attendee-store.js';
import { storeKeys, type StoreKeys } from './keys.js';
import { storeCall, type RedisClient } from './redis-connection.js';

// KEYS: attendees, emails, active, invites. Each script changes one attendee atomically.
const addScript = `
local existing = redis.call('HGET', KEYS[2], ARGV[2])
if existing then return redis.call('HGET', KEYS[1], existing) end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
redis.call('HSET', KEYS[2], ARGV[2], ARGV[1])
redis.call('SADD', KEYS[3], ARGV[1])
redis.call('HSET', KEYS[4], ARGV[4], ARGV[5])
return false`;

const setDetailsScript = `
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return false end
local attendee = cjson.decode(raw)
attendee.name = ARGV[2]
if ARGV[3] ~= '' then attendee.group = ARGV[3] end
local encoded = cjson.encode(attendee)
redis.call('HSET', KEYS[1], ARGV[1], encoded)
return encoded`;

const revokeScript = `
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return false end
local attendee = cjson.decode(raw)
if not attendee.revokedAt then attendee.revokedAt = ARGV[2] end
local encoded = cjson.encode(attendee)
redis.call('HSET', KEYS[1], ARGV[1], encoded)
redis.call('SREM', KEYS[3], ARGV[1])
return encoded`;

const replaceInviteScript = `
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return false end
local attendee = cjson.decode(raw)
attendee.inviteVersion = attendee.inviteVersion + 1
attendee.inviteIssuedAt = ARGV[3]
attendee.revokedAt = nil
attendee.claimedAt = nil
local encoded = cjson.encode(attendee)
redis.call('HSET', KEYS[1], ARGV[1], encoded)
redis.call('SADD', KEYS[3], ARGV[1])
redis.call('HSET', KEYS[4], ARGV[2], cjson.encode({ attendeeId = ARGV[1], version = attendee.inviteVersion }))
return encoded`;

const claimScript = `
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return 'missing' end
local attendee = cjson.decode(raw)
if attendee.claimedAt then return 'taken' end
attendee.claimedAt = ARGV[2]
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(attendee))
return 'claimed'`;

const parse = (raw: unknown): Attendee | null => (typeof raw === 'string' ? JSON.parse(raw) as Attendee : null);

/** Per workshop: `attendees:<slug>`, `attendee-emails:<slug>`, `attendees-active:<slug>`, `invites:<slug>`. */
export class RedisAttendeeStore implements AttendeeStore {
  private readonly keys: StoreKeys;

  constructor(private readonly redis: RedisClient, instance: string) {
    this.keys = storeKeys(instance);
  }

  private keysOf(workshop: string): string[] {
    return [this.keys.attendees(workshop), this.keys.attendeeEmails(workshop), this.keys.activeAttendees(workshop), this.keys.invites(workshop)];
  }

  private run(script: string, workshop: string, args: string[]): Promise<Attendee | null> {
    return storeCall(async () => parse(await this.redis.eval(script, { keys: this.keysOf(workshop), arguments: args })));
  }

  add(attendee: Attendee, inviteHash: string): Promise<AddAttendeeOutcome> {
    const invite = JSON.stringify({ attendeeId: attendee.id, version: attendee.inviteVersion });
    return this.run(addScript, attendee.workshop, [attendee.id, attendee.email, JSON.stringify(attendee), inviteHash, invite])
      .then((existing) => (existing ? { added: false, existing } : { added: true }));
  }

  get(workshop: string, id: string): Promise<Attendee | null> {
    return storeCall(async () => parse(await this.redis.hGet(this.keys.attendees(workshop), id)));
  }

  findByEmail(workshop: string, email: string): Promise<Attendee | null> {
    return storeCall(async () => {
      const id = await this.redis.hGet(this.keys.attendeeEmails(workshop), email);
      return id ? parse(await this.redis.hGet(this.keys.attendees(workshop), id)) : null;
    });
  }

  list(workshop: string): Promise<Attendee[]> {
    return storeCall(async () => Object.values(await this.redis.hGetAll(this.keys.attendees(workshop)))
      .map((raw) => JSON.parse(raw) as Attendee)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.email.localeCompare(b.email)));
  }

  countActive(workshop: string): Promise<number> {
    return storeCall(() => this.redis.sCard(this.keys.activeAttendees(workshop)));
  }

  setDetails(workshop: string, id: string, details: { name: string; group?: string }): Promise<Attendee | null> {
    return this.run(setDetailsScript, workshop, [id, details.name, details.group ?? '']);
  }

  revoke(workshop: string, id: string, at: string): Promise<Attendee | null> {
    return this.run(revokeScript, workshop, [id, at]);
  }

  claim(workshop: string, id: string, at: string): Promise<ClaimOutcome> {
    return storeCall(async () => await this.redis.eval(claimScript, { keys: this.keysOf(workshop), arguments: [id, at] }) as ClaimOutcome);
  }

  replaceInvite(workshop: string, id: string, inviteHash: string, at: string): Promise<Attendee | null> {
    return this.run(replaceInviteScript, workshop, [id, inviteHash, at]);
  }

  findInvite(workshop: string, inviteHash: string): Promise<InviteMatch | null> {
    return storeCall(async () => {
      const raw = await this.redis.hGet(this.keys.invites(workshop), inviteHash);
      if (!raw) return null;
      const invite = JSON.parse(raw) as { attendeeId: string; version: number };
      const attendee = parse(await this.redis.hGet(this.keys.attendees(workshop), invite.attendeeId));
      return attendee ? { attendee, current: attendee.inviteVersion === invite.version } : null;
    });
  }

  removeWorkshop(workshop: string): Promise<void> {
    return storeCall(async () => { await this.redis.del(this.keysOf(workshop)); });
  }
}
