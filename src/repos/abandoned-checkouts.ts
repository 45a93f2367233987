import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';

/** Names of a checkout or a ref look-up made by this process: the pid says whose it is. */
export const checkoutPrefix = (kind: 'checkout' | 'refs', pid = process.pid) => `nblaunch-${kind}-${pid}-`;

const ownedName = /^nblaunch-(?:checkout|refs)-(\d+)-/;

async function isLiveProcess(pid: number): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/**
 * Removes the checkouts of launchers that died without removing them (killed mid-build): a
 * checkout whose owning process is gone. Those of live processes (another launcher, the CLI
 * sharing the folder) are left alone. Returns the names removed.
 */
export async function sweepAbandonedCheckouts(workDir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(workDir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const owner = ownedName.exec(name)?.[1];
    if (owner === undefined || Number(owner) === process.pid || await isLiveProcess(Number(owner))) continue;
    await rm(path.join(workDir, name), { recursive: true, force: true, maxRetries: 3 });
    removed.push(name);
  }
  return removed;
}
