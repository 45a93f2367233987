import { z } from 'zod';
import type { Config } from '../config/schema.js';
import { LauncherError } from '../errors/launcher-error.js';
import { specFromUrl } from '../repos/repo-spec.js';
import { assertSpecAllowed } from '../repos/spec-policy.js';
import { slugPattern, type Workshop, type WorkshopRepo } from './workshop.js';

export type WorkshopSettings = Pick<Config, 'repos' | 'git' | 'policy' | 'server' | 'workshops'>;

const isoTime = z.iso.datetime({ offset: true, error: 'an ISO 8601 time with a time zone, e.g. 2030-05-01T09:00:00Z' });

const repoInput = z.strictObject({
  url: z.string().trim().min(1, 'the repository address'),
  ref: z.string().trim().max(200).optional(),
  file: z.string().trim().max(300)
    .refine((file) => !file.split('/').includes('..') && !file.includes('\0'), 'a path inside the repository')
    .optional(),
});

const limitsInput = z.strictObject({
  memoryMb: z.number().int().min(64).max(262_144).optional(),
  cpus: z.number().positive().max(64).optional(),
});

const fields = {
  slug: z.string().regex(slugPattern, '2 to 40 lower-case letters, digits and dashes, starting with a letter or digit'),
  title: z.string().trim().min(1, 'a title').max(200),
  repo: repoInput.nullable().optional(),
  startsAt: isoTime,
  endsAt: isoTime,
  limits: limitsInput.optional(),
  warmServers: z.number().int().min(0, 'a number of servers, 0 or more').max(1000, 'at most 1000').optional(),
};

const createInput = z.strictObject(fields);
const patchInput = z.strictObject(fields).partial();

export type WorkshopPatch = z.infer<typeof patchInput>;

function parseOrThrow<T>(schema: z.ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`);
  throw new LauncherError(400, 'bad-workshop', `The workshop is not valid: ${problems.join('; ')}.`);
}

function resolveRepo(input: z.infer<typeof repoInput>, settings: WorkshopSettings): WorkshopRepo {
  const repo = specFromUrl(input.url, input.ref || undefined, settings);
  assertSpecAllowed(repo.provider, repo.spec, settings.policy);
  const file = input.file?.replace(/^\/+/, '');
  return { url: input.url, ref: repo.ref, ...(file ? { file } : {}), provider: repo.provider, spec: repo.spec };
}

function assertTimes(startsAt: string, endsAt: string): void {
  if (Date.parse(endsAt) <= Date.parse(startsAt)) {
    throw new LauncherError(400, 'bad-workshop', 'The workshop is not valid: endsAt must be after startsAt.');
  }
}

/** A new workshop from the API's or the CLI's input; limits default to the launcher's server limits. */
export function workshopFromInput(input: unknown, settings: WorkshopSettings, now = new Date()): Workshop {
  const parsed = parseOrThrow(createInput, input);
  assertTimes(parsed.startsAt, parsed.endsAt);
  return {
    slug: parsed.slug,
    title: parsed.title,
    ...(parsed.repo ? { repo: resolveRepo(parsed.repo, settings) } : {}),
    startsAt: new Date(parsed.startsAt).toISOString(),
    endsAt: new Date(parsed.endsAt).toISOString(),
    limits: { memoryMb: parsed.limits?.memoryMb ?? settings.server.memoryMb, cpus: parsed.limits?.cpus ?? settings.server.cpus },
    warmServers: parsed.warmServers ?? settings.workshops.warmServers,
    createdAt: now.toISOString(),
  };
}

/** The workshop with a partial change applied (`repo: null` removes the repo); the slug cannot change. */
export function applyWorkshopPatch(current: Workshop, input: unknown, settings: WorkshopSettings): Workshop {
  const patch = parseOrThrow(patchInput, input);
  if (patch.slug !== undefined && patch.slug !== current.slug) {
    throw new LauncherError(400, 'bad-workshop', 'A workshop\'s slug cannot change: its links are already out. Create a new workshop instead.');
  }
  const next: Workshop = {
    ...current,
    ...(patch.title !== undefined ? { title: patch.title } : {}),
    ...(patch.startsAt !== undefined ? { startsAt: new Date(patch.startsAt).toISOString() } : {}),
    ...(patch.endsAt !== undefined ? { endsAt: new Date(patch.endsAt).toISOString() } : {}),
    limits: { ...current.limits, ...patch.limits },
    ...(patch.warmServers !== undefined ? { warmServers: patch.warmServers } : {}),
  };
  if (patch.repo === null) delete next.repo;
  else if (patch.repo !== undefined) next.repo = resolveRepo(patch.repo, settings);
  assertTimes(next.startsAt, next.endsAt);
  return next;
}
