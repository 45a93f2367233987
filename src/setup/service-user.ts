import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';

/** A host account as /etc/passwd (or NSS) has it. */
export interface HostUser {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

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
export function dropToServiceUser(user: string): HostUser | undefined {
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
