import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, closeSync, constants, mkdirSync, openSync, statSync, type Stats } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A host account as /etc/passwd (or NSS) has it. */
export interface HostUser {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** What the launcher and the CLI read or run after they switched users. */
export const launcherProgramFiles: ProgramFile[] = [
  { path: join(repoRoot, 'web', 'layout.html'), need: 'read' },
  { path: join(repoRoot, 'src', 'repos', 'git-size-limited.sh'), need: 'run' },
  { path: join(repoRoot, 'node_modules', 'dockerode', 'package.json'), need: 'read' },
];

export class ServiceUserError extends Error {
  override name = 'ServiceUserError';
}

const isRoot = (): boolean => process.getuid?.() === 0;

export function lookUpUser(name: string): HostUser | undefined {
  const result = spawnSync('getent', ['passwd', name], { encoding: 'utf8' });
  if (result.status !== 0) return undefined;
  const [login, , uid, gid, , home] = result.stdout.trim().split(':');
  if (!login || uid === undefined || gid === undefined) return undefined;
  return { name: login, uid: Number(uid), gid: Number(gid), home: home || '/' };
}

function groupExists(name: string): boolean {
  return spawnSync('getent', ['group', name], { stdio: 'ignore' }).status === 0;
}

export interface ServiceUserSetup {
  /** The account the launcher runs as (config `runAsUser`); `root` means: keep root. */
  user: string;
  /** The launcher's data directory: made and handed to the service user. */
  dataDir: string;
  log: (message: string) => void;
}

/**
 * Setup's half (as root): the service account exists, may use the Docker socket (group
 * `docker`), and owns the data directory. Without root nothing is changed: the launcher then
 * runs as whoever starts it.
 */
export function ensureServiceUser({ user, dataDir, log }: ServiceUserSetup): void {
  if (!isRoot() || user === 'root') return;
  if (!lookUpUser(user)) {
    log(`creating the system user ${user} (the launcher runs as it, not as root)`);
    execFileSync('useradd', ['--system', '--user-group', '--create-home', '--home-dir', `/var/lib/${user}`, '--shell', '/usr/sbin/nologin', user], { stdio: 'inherit' });
  }
  if (groupExists('docker')) execFileSync('usermod', ['--append', '--groups', 'docker', user], { stdio: 'inherit' });
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // A data directory made by an older root launcher holds root-owned Redis files.
  execFileSync('chown', ['-R', `${user}:`, dir], { stdio: 'inherit' });
}

/**
 * The launcher's half: started as root, it becomes the service user before it opens anything,
 * so that a bug that writes a file writes it as that user. It keeps the groups of that user
 * (docker: the engine's socket). Not root: nothing to do.
 */
export interface ProgramFile {
  path: string;
  need: 'read' | 'run';
}

function executableBy(account: HostUser, stats: Stats): boolean {
  if (stats.uid === account.uid) return (stats.mode & 0o100) !== 0;
  if (stats.gid === account.gid || (process.getgroups?.() ?? []).includes(stats.gid)) return (stats.mode & 0o010) !== 0;
  return (stats.mode & 0o001) !== 0;
}

/**
 * The files this process still opens after switching (pages, the git wrapper, modules loaded
 * late): checked as the user, with the effective ids only, which root can still take back.
 */
function unreachableAs(account: HostUser, files: ProgramFile[]): ProgramFile[] {
  process.setegid!(account.gid);
  process.seteuid!(account.uid);
  try {
    // access(2) answers for the real uid (still root), so the files are opened instead, which
    // goes by the effective one; a script must also carry the execute bit of the user's class.
    return files.filter(({ path, need }) => {
      try {
        closeSync(openSync(path, 'r'));
        return need === 'run' && !executableBy(account, statSync(path));
      } catch {
        return true;
      }
    });
  } finally {
    process.seteuid!(0);
    process.setegid!(0);
  }
}

export function dropToServiceUser(user: string, programFiles: ProgramFile[] = []): HostUser | undefined {
  if (!isRoot() || user === 'root') return undefined;
  const account = lookUpUser(user);
  if (!account) {
    throw new ServiceUserError(
      `runAsUser is ${user}, but there is no such user. Run the setup as root first (npm start does), `
      + 'or set runAsUser to an existing account (root keeps root, which is not recommended).',
    );
  }
  // POSIX-only, and missing from @types/node 20.
  (process as unknown as { initgroups(user: string, extraGroup: number): void }).initgroups(account.name, account.gid);
  const unreadable = unreachableAs(account, programFiles);
  if (unreadable.length > 0) {
    throw new ServiceUserError(
      `${user} cannot ${unreadable.map(({ path, need }) => `${need} ${path}`).join(', ')}: the launcher's own files must be readable by the user it runs as. `
      + `Put the checkout where ${user} can read it (every folder above it open to others, e.g. /opt/nblaunch), or set runAsUser to an account that can (root keeps root, not recommended).`,
    );
  }
  process.setgid!(account.gid);
  process.setuid!(account.uid);
  if (process.getuid?.() === 0 || process.geteuid?.() === 0) throw new ServiceUserError(`could not give up root for ${user}`);
  process.env.HOME = account.home;
  process.env.USER = account.name;
  process.env.LOGNAME = account.name;
  return account;
}

/** The data directory exists and this process may write it: a clear refusal otherwise. */
export function assertWritableDataDir(dataDir: string): void {
  const dir = resolve(dataDir);
  const user = lookUpUserById(process.getuid?.() ?? -1) ?? 'this user';
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    accessSync(dir, constants.W_OK);
  } catch {
    throw new ServiceUserError(`${user} cannot write the data directory ${dir}. Run the setup as root (npm start does), or: chown -R ${user}: ${dir}`);
  }
}

function lookUpUserById(uid: number): string | undefined {
  const result = spawnSync('getent', ['passwd', String(uid)], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.split(':')[0] : undefined;
}
