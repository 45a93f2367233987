import type { Attendee } from '../workshops/attendee.js';
import type { WarmupStatus } from '../warmup/workshop-warmer.js';
import type { WorkshopStatus } from '../workshops/workshop-admin.js';
import { repoLaunchPath, warmServersOf, type Workshop } from '../workshops/workshop.js';

/** A workshop as the API shows it: its fields, its link, whether the link is anonymous or asks for sign-in, and its warm-up. */
export function workshopJson(workshop: Workshop, status: WorkshopStatus, warmup: WarmupStatus, publicBase: string, defaultWarmServers: number) {
  return {
    slug: workshop.slug,
    title: workshop.title,
    link: `${publicBase}/w/${workshop.slug}`,
    repo: workshop.repo ? { ...workshop.repo, launchPath: repoLaunchPath(workshop.repo) } : null,
    startsAt: workshop.startsAt,
    endsAt: workshop.endsAt,
    limits: workshop.limits,
    warmServers: warmServersOf(workshop, defaultWarmServers),
    accessCode: workshop.accessCode ?? null,
    createdAt: workshop.createdAt,
    endedAt: workshop.endedAt ?? null,
    mode: status.mode,
    activeAttendees: status.activeAttendees,
    warmup,
  };
}

/** Never the invite: only its version and when it was issued. */
export function attendeeJson(attendee: Attendee) {
  return {
    id: attendee.id,
    name: attendee.name,
    email: attendee.email,
    group: attendee.group ?? null,
    createdAt: attendee.createdAt,
    revokedAt: attendee.revokedAt ?? null,
    inviteIssuedAt: attendee.inviteIssuedAt,
    claimedAt: attendee.claimedAt ?? null,
  };
}
