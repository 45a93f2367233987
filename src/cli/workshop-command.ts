import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import type { Actor } from '../auth/actor.js';
import type { Config } from '../config/schema.js';
import { createLogger, type Logger } from '../log/logger.js';
import { redisWorkshopStores } from '../store/redis-workshop-stores.js';
import { AttendeeAdmin } from '../workshops/attendee-admin.js';
import { parseAttendeeCsv } from '../workshops/attendee-csv.js';
import { parseAttendeePaste } from '../workshops/attendee-paste.js';
import { linksCsv } from '../workshops/personal-links.js';
import { WorkshopAdmin } from '../workshops/workshop-admin.js';
import type { WorkshopStores } from '../workshops/workshop-stores.js';
import { processIo, type CliIo } from './cli-io.js';
import { withRedis } from './with-redis.js';

export const workshopUsage = `usage:
  nblaunch workshop create <slug> --title T --starts ISO --ends ISO [--repo URL [--ref REF] [--file PATH]] [--memory-mb N] [--cpus N] [--warm-servers N]
      --warm-servers: servers to warm before the start (default workshops.warmServers); the launcher does the warming.
  nblaunch workshop list
  nblaunch workshop show <slug>
  nblaunch workshop import-attendees <slug> <file.csv | file.txt | -> [--links OUT.csv]
      CSV (name,email[,group], header optional) or, for other files, one "Name <email>" or "name, email" per line.
      Exits 1 when a row was refused; the other rows are imported.
  nblaunch workshop links <slug> --reissue [--out OUT.csv]
      Issues new personal links to every attendee (old links stop working) and writes the CSV.
  nblaunch workshop end <slug>`;

export interface WorkshopCommandContext {
  stores: WorkshopStores;
  config: Config;
  logger: Logger;
  io: CliIo;
  actor?: Actor;
}

const options = {
  title: { type: 'string' }, starts: { type: 'string' }, ends: { type: 'string' },
  repo: { type: 'string' }, ref: { type: 'string' }, file: { type: 'string' },
  'memory-mb': { type: 'string' }, cpus: { type: 'string' }, 'warm-servers': { type: 'string' },
  links: { type: 'string' }, reissue: { type: 'boolean' }, out: { type: 'string' },
} as const;

function publicBase(config: Config, io: CliIo): string {
  if (config.publicUrl) return config.publicUrl.replace(/\/+$/, '');
  io.err(`publicUrl is not set: links use http://localhost:${config.port}; set NBLAUNCH_PUBLIC_URL for links attendees can open.`);
  return `http://localhost:${config.port}`;
}

function createInput(slug: string, values: Record<string, string | boolean | undefined>): Record<string, unknown> {
  const number = (name: string) => (values[name] === undefined ? undefined : Number(values[name]));
  const limits = Object.fromEntries(Object.entries({ memoryMb: number('memory-mb'), cpus: number('cpus') }).filter(([, value]) => value !== undefined));
  return {
    slug, title: values.title, startsAt: values.starts, endsAt: values.ends,
    ...(values.repo ? { repo: { url: values.repo, ...(values.ref ? { ref: values.ref } : {}), ...(values.file ? { file: values.file } : {}) } } : {}),
    ...(Object.keys(limits).length > 0 ? { limits } : {}),
    ...(values['warm-servers'] !== undefined ? { warmServers: number('warm-servers') } : {}),
  };
}

class UsageError extends Error {}

/** The workshop commands against any stores (Redis from the CLI, in-memory doubles in tests). */
export async function runWorkshopCommand(args: string[], context: WorkshopCommandContext): Promise<number> {
  try {
    return await run(args, context);
  } catch (error) {
    const code = (error as { code?: string }).code ?? '';
    if (!(error instanceof UsageError) && !code.startsWith('ERR_PARSE_ARGS')) throw error;
    context.io.err(`nblaunch workshop: ${(error as Error).message}\n${workshopUsage}`);
    return 2;
  }
}

async function run(args: string[], context: WorkshopCommandContext): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options });
  const [action, slug, file] = positionals;
  const { io, config } = context;
  const actor = context.actor ?? { via: 'cli', label: `command line (${userInfo().username})` };
  const deps = { stores: context.stores, settings: config, logger: context.logger };
  const workshops = new WorkshopAdmin(deps);
  const attendees = new AttendeeAdmin(deps, workshops);
  const needSlug = () => {
    if (!slug) throw new UsageError('this command needs a workshop slug');
    return slug;
  };

  switch (action) {
    case 'create': {
      const created = await workshops.create(createInput(needSlug(), values), actor);
      io.out(`created ${created.slug}: ${publicBase(config, io)}/w/${created.slug}`);
      return 0;
    }
    case 'list':
      for (const workshop of await workshops.list()) {
        const status = await workshops.status(workshop.slug);
        io.out([workshop.slug, workshop.endedAt ? 'ended' : status.mode, `${status.activeAttendees} attendees`, workshop.startsAt, workshop.endsAt, workshop.title].join('\t'));
      }
      return 0;
    case 'show': {
      const workshop = await workshops.get(needSlug());
      const status = await workshops.status(workshop.slug);
      io.out(JSON.stringify({ ...workshop, ...status, link: `${publicBase(config, io)}/w/${workshop.slug}` }, null, 2));
      for (const attendee of await attendees.listAttendees(workshop.slug)) {
        io.out([attendee.id, attendee.name, attendee.email, attendee.group ?? '', attendee.revokedAt ? `removed ${attendee.revokedAt}` : 'active'].join('\t'));
      }
      return 0;
    }
    case 'import-attendees': {
      if (!file) throw new UsageError('import-attendees needs a file (or - for standard input)');
      const text = io.read(file);
      const list = file.toLowerCase().endsWith('.csv') ? parseAttendeeCsv(text) : parseAttendeePaste(text);
      const outcome = await attendees.importList(needSlug(), list, actor);
      io.out(`imported ${outcome.imported}, updated ${outcome.updated}, unchanged ${outcome.unchanged}, refused ${outcome.errors.length}`);
      for (const error of outcome.errors) io.err(`line ${error.line}: ${error.reason}: ${error.text}`);
      if (values.links) io.write(values.links, linksCsv(publicBase(config, io), outcome.issued));
      return outcome.errors.length > 0 ? 1 : 0;
    }
    case 'links': {
      if (!values.reissue) {
        io.err('Links are stored hashed and cannot be shown again: making the CSV issues new links to every attendee, and their old links stop working. Run again with --reissue to do that.');
        return 2;
      }
      const issued = await attendees.reissueAll(needSlug(), actor);
      io.write(values.out ?? '-', linksCsv(publicBase(config, io), issued));
      return 0;
    }
    case 'end': {
      const ended = await workshops.end(needSlug(), actor);
      io.out(`${ended.slug} ended at ${ended.endedAt}`);
      return 0;
    }
    default:
      throw new UsageError(action ? `unknown command "${action}"` : 'which command?');
  }
}

/** `nblaunch workshop ...` against the launcher's Redis. */
export async function workshopCommand(args: string[], config: Config, io: CliIo = processIo): Promise<number> {
  const logger = createLogger(config.logLevel, process.stderr);
  return withRedis(config, logger, (redis) => runWorkshopCommand(args, { stores: redisWorkshopStores(redis, config.instance), config, logger, io }));
}
