import { setTimeout as sleep } from 'node:timers/promises';
import { bootLauncher, type Harness } from '../src/testing/launcher-harness.js';
import { AttendeeClient, OrganizerClient } from '../src/testing/workshop-client.js';
import { plainDockerRun, type BenchOptions } from './launch.js';
import { gitRevision, withCleanup } from './processes.js';
import { printTable, round, summarize } from './stats.js';

const organizerToken = 'bench-workshop-organizer-token-0123456789';
const image = 'nblaunch/base:latest';
/** Before each rush: what the organizer's last action set going (stops, the warm-up's last starts) settles. */
const settleMs = 5_000;

interface Attempt { ok: boolean; ms: number; openMs: number; error?: string }

interface RushRow {
  scenario: string;
  attendees: number;
  succeeded: number;
  p50: number;
  p95: number;
  max: number;
  /** Until `POST /w/<slug>/open` answered (the rest is the first tree page through the proxy). */
  openP50: number;
  errors: string[];
}

interface WarmupStatus { state: string; image: string | null; message?: string; servers: { wanted: number; running: number } }

/** Requests the server's tree page through the launcher's proxy, as its attendee, until it answers 200. */
async function untilTreeAnswers(client: AttendeeClient, server: { path: string; token: string }, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    // A ref'd timer of our own (AbortSignal.timeout's is unref'd), so a request that never
    // answers cannot leave the process with nothing to wait on.
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), 5_000);
    try {
      const response = await client.fetch(`${server.path}tree`, { token: server.token, signal: abort.signal });
      await response.arrayBuffer();
      if (response.status === 200) return;
      last = `status ${response.status}`;
    } catch (error) {
      last = (error as Error).message;
    } finally {
      clearTimeout(timer);
    }
    await sleep(20);
  }
  throw new Error(`the tree page of ${server.path} did not answer 200 within ${timeoutMs / 1000} s (last: ${last})`);
}

/** One attendee: personal link, workshop page (CSRF token), "Open my server", then the tree page until 200. */
async function signInAndOpen(base: () => string, slug: string, link: string): Promise<Attempt> {
  const started = performance.now();
  let openMs = Number.NaN;
  try {
    const client = await AttendeeClient.signIn(base, slug, link);
    const server = await client.openServer();
    openMs = performance.now() - started;
    await untilTreeAnswers(client, server);
    return { ok: true, ms: performance.now() - started, openMs };
  } catch (error) {
    return { ok: false, ms: performance.now() - started, openMs, error: (error as Error).message };
  }
}

/** Every attendee signs in and opens their server at the same moment. */
async function rush(scenario: string, base: () => string, slug: string, links: string[]): Promise<RushRow> {
  await sleep(settleMs);
  const attempts = await Promise.all(links.map((link) => signInAndOpen(base, slug, link)));
  const ok = attempts.filter((attempt) => attempt.ok);
  const stats = summarize(ok.map((attempt) => attempt.ms));
  return {
    scenario, attendees: links.length, succeeded: ok.length,
    p50: round(stats.p50), p95: round(stats.p95), max: round(stats.max),
    openP50: round(summarize(ok.map((attempt) => attempt.openMs)).p50),
    errors: [...new Set(attempts.flatMap((attempt) => (attempt.error ? [attempt.error] : [])))],
  };
}

function people(slug: string, count: number): Array<{ name: string; email: string }> {
  return Array.from({ length: count }, (_, index) => ({ name: `Attendee ${index + 1}`, email: `a${index + 1}@${slug}.example.org` }));
}

/**
 * Creates the workshop (default image) with its attendees and resolves to their personal links.
 * It starts in an hour, so no warm-up begins by itself (`workshops.warmupMinutes` is 30): only
 * `POST .../warm` warms. `warmServers` is left out when the launcher does not know the field yet.
 */
async function workshopWithLinks(organizer: OrganizerClient, slug: string, count: number, warmServers: number): Promise<string[]> {
  const attendees = people(slug, count);
  const hour = 3600_000;
  const times = { startsAt: new Date(Date.now() + hour).toISOString(), endsAt: new Date(Date.now() + 9 * hour).toISOString() };
  let links: Map<string, string>;
  try {
    links = await organizer.workshopWith(slug, attendees, { ...times, warmServers });
  } catch (error) {
    if (!/ 400: .*warmServers/s.test((error as Error).message)) throw error;
    links = await organizer.workshopWith(slug, attendees, times);
  }
  return attendees.map((attendee) => links.get(attendee.email)!);
}

/** Stops every attendee's server through the organizer API (eight at a time, as the workshop's end does). */
async function stopAll(organizer: OrganizerClient, slug: string): Promise<void> {
  const { attendees } = await organizer.json<{ attendees: Array<{ id: string }> }>(`/api/workshops/${slug}/attendees`);
  for (let index = 0; index < attendees.length; index += 8) {
    await Promise.all(attendees.slice(index, index + 8).map((attendee) => organizer.json(`/api/workshops/${slug}/attendees/${attendee.id}/server/stop`, { method: 'POST' })));
  }
  const after = await organizer.json<{ attendees: Array<{ server: { status: string } }> }>(`/api/workshops/${slug}/attendees`);
  const notStopped = after.attendees.filter((attendee) => attendee.server.status !== 'stopped').length;
  if (notStopped > 0) throw new Error(`${notStopped} servers of ${slug} are not stopped after the organizer stopped them`);
}

async function runningServers(organizer: OrganizerClient, slug: string): Promise<number> {
  const { attendees } = await organizer.json<{ attendees: Array<{ server: { status: string } }> }>(`/api/workshops/${slug}/attendees`);
  return attendees.filter((attendee) => attendee.server.status === 'running').length;
}

type Warmed = { available: true; warmupMs: number; runningBefore: number; warmup: WarmupStatus } | { available: false; note: string };

/** `POST /api/workshops/<slug>/warm`, then `GET /api/workshops/<slug>` until its warm-up is ready. */
async function warmUp(organizer: OrganizerClient, slug: string, timeoutMs = 900_000): Promise<Warmed> {
  const started = performance.now();
  const response = await organizer.api(`/api/workshops/${slug}/warm`, { method: 'POST' });
  const body = await response.json().catch(() => ({})) as { reason?: string; message?: string };
  if ((response.status === 404 || response.status === 405) && body.reason !== 'no-such-workshop') {
    return { available: false, note: `not available: POST /api/workshops/<slug>/warm answered ${response.status}` };
  }
  if (response.status !== 202) throw new Error(`POST /api/workshops/${slug}/warm answered ${response.status}: ${body.message}`);
  const deadline = Date.now() + timeoutMs;
  let warmup: WarmupStatus | undefined;
  while (Date.now() < deadline) {
    ({ warmup } = await organizer.json<{ warmup?: WarmupStatus }>(`/api/workshops/${slug}`));
    if (warmup?.state === 'ready') {
      return { available: true, warmupMs: performance.now() - started, runningBefore: await runningServers(organizer, slug), warmup };
    }
    if (warmup?.state === 'failed' || warmup?.state === 'over') return { available: false, note: `warm-up ${warmup.state}: ${warmup.message ?? ''}` };
    await sleep(250);
  }
  throw new Error(`the warm-up of ${slug} was not ready within ${timeoutMs / 1000} s (last: ${JSON.stringify(warmup)})`);
}

/**
 * The start of a workshop: every attendee signs in at once and opens their own persistent
 * server, on an unwarmed workshop (cold starts, first volume seeding), again after the organizer
 * stopped them all (resumes), and on a workshop warmed ahead (`warmServers`, `POST .../warm`).
 */
export async function benchWorkshop(options: BenchOptions): Promise<Record<string, unknown>> {
  const attendees = options.quick ? 6 : 30;
  // The floor is measured before and after the rushes (half each), so a machine that got
  // busier or quieter in between moves both sides of the ratios alike.
  const floorRuns = options.quick ? 2 : 3;
  const floors: number[] = [];
  const measureFloor = async () => { for (let run = 0; run < floorRuns; run += 1) floors.push(await plainDockerRun(image)); };
  await plainDockerRun(image);
  await measureFloor();

  const { rows, warmed } = await withCleanup(async (defer) => {
    const harness: Harness = await bootLauncher({
      auth: { organizerToken, signInAttemptsPerMinute: 1000 },
      capacity: { maxServers: attendees + 5 },
      server: { startTimeoutSeconds: 180 },
    });
    defer(() => harness.cleanup());
    const base = () => harness.url;
    const organizer = new OrganizerClient(base, organizerToken);
    const rows: RushRow[] = [];

    const coldLinks = await workshopWithLinks(organizer, 'rush-cold', attendees, 0);
    rows.push(await rush(`${attendees} sign in at once, unwarmed (cold starts)`, base, 'rush-cold', coldLinks));
    await stopAll(organizer, 'rush-cold');
    rows.push(await rush(`${attendees} return at once, servers stopped (resumes)`, base, 'rush-cold', coldLinks));
    await organizer.json('/api/workshops/rush-cold/end', { method: 'POST' });

    const warmLinks = await workshopWithLinks(organizer, 'rush-warm', attendees, attendees);
    const warmed = await warmUp(organizer, 'rush-warm');
    if (warmed.available) rows.push(await rush(`${attendees} sign in at once, warmed (warmServers ${attendees})`, base, 'rush-warm', warmLinks));
    return { rows, warmed };
  });
  await measureFloor();
  const floor = summarize(floors).p50;

  printTable(rows.map((row) => ({
    scenario: row.scenario, ok: `${row.succeeded}/${row.attendees}`, p50_ms: row.p50, p95_ms: row.p95, max_ms: row.max,
    p50_vs_floor: round(row.p50 / floor, 2), p95_vs_floor: round(row.p95 / floor, 2), max_vs_floor: round(row.max / floor, 2), open_answered_p50_ms: row.openP50,
  })));
  console.log(`single cold floor (plain docker run until /api/status answers, median of ${floors.length}, before and after): ${round(floor)} ms`);
  for (const row of rows) for (const error of row.errors) console.log(`${row.scenario}: failed: ${error}`);
  const [cold, resume, warm] = rows;
  if (warmed.available) {
    console.log(`warm-up: POST /warm until ready ${round(warmed.warmupMs)} ms (${round(warmed.warmupMs / floor, 1)}x the floor); servers running before the rush: ${warmed.runningBefore}/${attendees}`);
    console.log(`warmed / unwarmed p50: ${round(warm!.p50 / cold!.p50, 3)}`);
  } else {
    console.log(`warmed workshop: ${warmed.note}`);
  }

  const figures = (row: RushRow | undefined) => row && {
    succeeded: row.succeeded, p50Ms: row.p50, p95Ms: row.p95, maxMs: row.max, openP50Ms: row.openP50,
    p50VsFloor: round(row.p50 / floor, 3), p95VsFloor: round(row.p95 / floor, 3), maxVsFloor: round(row.max / floor, 3), errors: row.errors,
  };
  return {
    benchmark: 'workshop',
    revision: gitRevision(),
    attendees,
    coldFloorMs: round(floor),
    unwarmed: figures(cold),
    resume: figures(resume),
    warmed: warmed.available ? { ...figures(warm), warmupMs: round(warmed.warmupMs), runningBefore: warmed.runningBefore } : { available: false, note: warmed.note },
    warmedVsUnwarmedP50: warmed.available ? round(warm!.p50 / cold!.p50, 3) : null,
  };
}
